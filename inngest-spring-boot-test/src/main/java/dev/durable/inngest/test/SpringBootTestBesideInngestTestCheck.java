package dev.durable.inngest.test;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;

/**
 * Refuses a test class that is an {@link InngestTest @InngestTest} and a
 * {@link SpringBootTest @SpringBootTest} of its own, before its context starts: Spring
 * would read the other annotation's attributes only, and silently drop those of
 * {@code @InngestTest}, as Spring Boot's test slices refuse a second bootstrapper.
 * Registered for every Spring test, it reads only the test class's annotations.
 */
final class SpringBootTestBesideInngestTestCheck implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		MergedAnnotations annotations = MergedAnnotations.from(testClass, SearchStrategy.TYPE_HIERARCHY);
		if (annotations.isPresent(InngestTest.class) && annotations.stream(SpringBootTest.class)
			.anyMatch((springBootTest) -> !springBootTest.getMetaTypes().contains(InngestTest.class))) {
			throw new IllegalStateException(testClass.getName() + " is annotated with both @InngestTest and "
					+ "@SpringBootTest, and Spring would read @SpringBootTest's attributes only, dropping the "
					+ "properties and classes of @InngestTest, which is a @SpringBootTest itself: remove "
					+ "@SpringBootTest from " + testClass.getSimpleName() + " and give its attributes to "
					+ "@InngestTest, such as @InngestTest(webEnvironment = WebEnvironment.RANDOM_PORT)");
		}
		return null;
	}

}
