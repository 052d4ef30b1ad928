package dev.durable.inngest.local;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Leaves the closing of an H2 database opened in the application's process to the
 * application context: adds {@code ;DB_CLOSE_ON_EXIT=FALSE} to the URL of each data
 * source bean that opens one (its {@code jdbcUrl} or {@code url} property, before the
 * pool starts), unless the URL says otherwise. H2 otherwise closes the database from a
 * JVM shutdown hook of its own, which runs at the same time as Spring's: on
 * {@code SIGTERM} it closed the database while the engine was still stopping, and the
 * runs in flight failed with "Database is already closed" and waited for their leases to
 * expire after the restart. The context closes the pool once every lifecycle bean has
 * stopped, which closes the database. Spring Boot's own in-memory URL already says so.
 */
public final class H2CloseOnExitPostProcessor implements BeanPostProcessor {

	private static final Log logger = LogFactory.getLog(H2CloseOnExitPostProcessor.class);

	/** What is added to the URL. */
	public static final String SETTING = ";DB_CLOSE_ON_EXIT=FALSE";

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (!(bean instanceof DataSource)) {
			return bean;
		}
		BeanWrapper wrapper = new BeanWrapperImpl(bean);
		for (String property : H2Urls.URL_PROPERTIES) {
			if (wrapper.isReadableProperty(property) && wrapper.isWritableProperty(property)) {
				Object url = wrapper.getPropertyValue(property);
				if (url instanceof String text && closedOnExit(text)) {
					leaveClosingToTheContext(wrapper, property, text, beanName);
				}
				return bean;
			}
		}
		return bean;
	}

	private static void leaveClosingToTheContext(BeanWrapper wrapper, String property, String url, String beanName) {
		try {
			wrapper.setPropertyValue(property, url + SETTING);
		}
		catch (BeansException ex) {
			logger.warn("Could not add " + SETTING + " to the URL of data source '" + beanName + "' (" + ex.getMessage()
					+ "): H2 may close the database on SIGTERM before the durable function engine has stopped, "
					+ "failing the runs in flight. Add " + SETTING + " to the URL.");
		}
	}

	/**
	 * Whether H2 would close the database of a URL from its own shutdown hook: an H2
	 * database in this process (in a file or in memory, not on a server) whose URL does
	 * not set {@code DB_CLOSE_ON_EXIT}.
	 * @param url the JDBC URL
	 * @return {@code true} if it would
	 */
	static boolean closedOnExit(String url) {
		return H2Urls.inProcess(url) && !H2Urls.sets(url, "DB_CLOSE_ON_EXIT");
	}

}
