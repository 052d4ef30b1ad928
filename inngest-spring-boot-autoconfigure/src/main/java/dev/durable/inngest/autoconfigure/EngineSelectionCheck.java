package dev.durable.inngest.autoconfigure;

import java.util.Locale;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Fails the start, before any bean is created, when {@code inngest.mode} or
 * {@code inngest.local.store} has a value that no engine is configured for. Otherwise no
 * engine would start, and the first bean that needs one would fail with a message that
 * names neither the property nor the values it takes.
 */
final class EngineSelectionCheck implements BeanFactoryPostProcessor {

	private static final String REST_CLIENT = "org.springframework.web.client.RestClient";

	private final Environment environment;

	EngineSelectionCheck(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		InngestProperties.Mode mode = check("inngest.mode", InngestProperties.Mode.class);
		if (mode == null || mode == InngestProperties.Mode.LOCAL) {
			check("inngest.local.store", InngestProperties.Store.class);
		}
		else if (!ClassUtils.isPresent(REST_CLIENT, beanFactory.getBeanClassLoader())) {
			// Remote mode's auto-configuration needs it, and would back off without a
			// word.
			throw new InvalidConfigurationPropertyValueException("inngest.mode",
					this.environment.getProperty("inngest.mode"),
					"Remote mode calls the platform with Spring's RestClient, which is not on the "
							+ "classpath: depend on inngest-spring-boot-starter-remote.");
		}
	}

	/**
	 * Binds a property as {@link InngestProperties} does, which reports a value that is
	 * none of the constants with the values it takes; and checks that the
	 * auto-configurations' conditions, which compare the text in any case, read it as the
	 * same constant.
	 */
	private <E extends Enum<E>> E check(String property, Class<E> type) {
		E bound = Binder.get(this.environment).bind(property, type).orElse(null);
		String value = this.environment.getProperty(property);
		if (bound != null && value != null && !bound.name().equalsIgnoreCase(value)) {
			throw new InvalidConfigurationPropertyValueException(property, value,
					"Write it as '" + bound.name().toLowerCase(Locale.ROOT) + "'.");
		}
		return bound;
	}

}
