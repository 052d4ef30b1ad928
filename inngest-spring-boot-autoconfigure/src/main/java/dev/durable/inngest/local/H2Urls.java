package dev.durable.inngest.local;

import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * What an H2 JDBC URL says, and where a data source keeps its URL.
 */
final class H2Urls {

	/**
	 * The properties in which data sources keep their URL: HikariCP's, and most others'.
	 */
	static final List<String> URL_PROPERTIES = List.of("jdbcUrl", "url");

	private H2Urls() {
	}

	/**
	 * The URL a data source was configured with, read from its {@code jdbcUrl} or
	 * {@code url} property, through the delegates of Spring's data source proxies. Unlike
	 * the URL in the connection's metadata, it keeps the settings that follow the
	 * database's name.
	 * @param dataSource the data source
	 * @return the URL, or {@code null} if the data source does not show it
	 */
	static @Nullable String configuredUrl(DataSource dataSource) {
		DataSource target = dataSource;
		while (target instanceof DelegatingDataSource delegating && delegating.getTargetDataSource() != null) {
			target = delegating.getTargetDataSource();
		}
		BeanWrapper wrapper = new BeanWrapperImpl(target);
		for (String property : URL_PROPERTIES) {
			if (wrapper.isReadableProperty(property)) {
				return (wrapper.getPropertyValue(property) instanceof String url) ? url : null;
			}
		}
		return null;
	}

	/**
	 * Whether a URL is of an H2 database opened in this process, in a file or in memory,
	 * rather than on a server.
	 * @param url the JDBC URL
	 * @return {@code true} if it is
	 */
	static boolean inProcess(String url) {
		String lower = url.toLowerCase(Locale.ROOT);
		if (!lower.startsWith("jdbc:h2:")) {
			return false;
		}
		String database = lower.substring("jdbc:h2:".length());
		return !database.startsWith("tcp:") && !database.startsWith("ssl:");
	}

	/**
	 * Whether a URL sets one of H2's settings, which H2 then applies with every
	 * connection it opens.
	 * @param url the JDBC URL
	 * @param setting the setting, such as {@code WRITE_DELAY}
	 * @return {@code true} if it sets it
	 */
	static boolean sets(String url, String setting) {
		return url.toUpperCase(Locale.ROOT).contains(";" + setting.toUpperCase(Locale.ROOT) + "=");
	}

}
