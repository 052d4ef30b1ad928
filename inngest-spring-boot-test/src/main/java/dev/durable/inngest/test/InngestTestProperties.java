package dev.durable.inngest.test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.support.ResourcePropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.support.TestPropertySourceUtils;

/**
 * The properties an {@link InngestTest @InngestTest} sets, in two kinds. Those the test
 * engine needs (local mode, no worker threads, runs created queued) win over every other
 * source, and a test that sets one of them otherwise fails before its context starts
 * rather than being silently overruled. The defaults (the store in memory, no retention,
 * no jitter) win over the application's configuration but give way to the test's own
 * properties, {@code @InngestTest(properties = ...)} or {@code @TestPropertySource}, so
 * that a test can choose the JDBC store, for example.
 */
final class InngestTestProperties implements ContextCustomizerFactory {

	static final Map<String, String> REQUIRED = Map.of("inngest.mode", "local", "inngest.local.auto-startup", "false",
			"inngest.local.eager-start.enabled", "false");

	static final Map<String, String> DEFAULTS = Map.of("inngest.local.store", "memory",
			"inngest.local.retention.enabled", "false", "inngest.local.backoff.jitter", "0s");

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		// Found on an enclosing class too, whose configuration a @Nested class inherits.
		if (!TestContextAnnotationUtils.hasAnnotation(testClass, InngestTest.class)) {
			return null;
		}
		return new Customizer();
	}

	/**
	 * Adds the two sources of properties. One instance is equal to another, so that the
	 * contexts of {@code @InngestTest} classes are cached as before.
	 */
	private static final class Customizer implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			ConfigurableEnvironment environment = context.getEnvironment();
			MutablePropertySources sources = environment.getPropertySources();
			// Inlined or in a file of @TestPropertySource(locations), a required property
			// the test sets otherwise would be overruled without a word.
			for (PropertySource<?> source : sources) {
				if (isTests(source)) {
					REQUIRED.forEach((key, value) -> refuseOther(mergedConfig, source, key, value));
				}
			}
			PropertySource<?> defaults = new MapPropertySource("inngestTestDefaults", new LinkedHashMap<>(DEFAULTS));
			String lastOfTheTests = lastOfTheTests(sources);
			if (lastOfTheTests != null) {
				sources.addAfter(lastOfTheTests, defaults);
			}
			else {
				sources.addFirst(defaults);
			}
			sources.addFirst(new MapPropertySource("inngestTestRequired", new LinkedHashMap<>(REQUIRED)));
		}

		/**
		 * The name of the last of the test's own property sources, which come first: its
		 * inlined properties and the files of {@code @TestPropertySource(locations)};
		 * {@code null} if it has none.
		 */
		private static @Nullable String lastOfTheTests(MutablePropertySources sources) {
			String last = null;
			for (PropertySource<?> source : sources) {
				if (isTests(source)) {
					last = source.getName();
				}
				else if (last != null) {
					break;
				}
			}
			return last;
		}

		private static boolean isTests(PropertySource<?> source) {
			return source.getName().equals(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME)
					|| source instanceof ResourcePropertySource;
		}

		private static void refuseOther(MergedContextConfiguration mergedConfig, PropertySource<?> source, String key,
				String value) {
			Object other = source.getProperty(key);
			if (other != null && !value.equalsIgnoreCase(other.toString().trim())) {
				String where = source.getName().equals(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME)
						? "" : " in " + source.getName();
				throw new IllegalStateException(mergedConfig.getTestClass().getName() + " sets " + key + "=" + other
						+ where + ", but @InngestTest needs " + key + "=" + value + ": it executes runs on "
						+ "its own engine thread when the test says, in local mode. Remove the property, or "
						+ "test with @SpringBootTest instead of @InngestTest");
			}
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof Customizer;
		}

		@Override
		public int hashCode() {
			return Customizer.class.hashCode();
		}

	}

}
