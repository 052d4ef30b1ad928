package dev.durable.inngest.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

/**
 * Fails the start, before any bean is created, when a switch that an auto-configuration's
 * condition reads is written as {@code yes}, {@code on} or {@code 1}. Binding reads those
 * as {@code true}, but the conditions compare the text with {@code true}, so the feature
 * would stay off without a word.
 */
final class SwitchPropertiesCheck implements BeanFactoryPostProcessor {

	/** The boolean properties that conditions read, each matching only "true". */
	static final List<String> SWITCHES = List.of("inngest.dashboard.enabled", "inngest.executor.enabled",
			"inngest.local.retention.enabled", "inngest.outbox.enabled", "inngest.sync.on-startup");

	private final Environment environment;

	SwitchPropertiesCheck(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		Binder binder = Binder.get(this.environment);
		for (String property : SWITCHES) {
			// Binding fails on a value that is no boolean at all, naming the property.
			boolean on = binder.bind(property, Boolean.class).orElse(false);
			String value = this.environment.getProperty(property);
			if (on && value != null && !value.equalsIgnoreCase("true")) {
				throw new InvalidConfigurationPropertyValueException(property, value,
						"It reads as true, but the auto-configuration turns this on only for the word 'true': "
								+ "write it as 'true' (or 'false').");
			}
		}
	}

}
