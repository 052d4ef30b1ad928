package dev.durable.inngest.test;

import java.lang.reflect.Field;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.TestExecutionListener;
import org.springframework.util.ReflectionUtils;

/**
 * Fails a test that injects an {@link InngestTestEnvironment} without being an
 * {@link InngestTest @InngestTest}, naming the field and the annotation it needs, before
 * Spring's injection fails on a missing bean with no word of either. Registered for every
 * Spring test, it reads only the test class's fields.
 */
final class InngestTestRequiredListener implements TestExecutionListener, Ordered {

	@Override
	public int getOrder() {
		// Before the dependency injection, which runs at 2000.
		return 1900;
	}

	@Override
	public void prepareTestInstance(TestContext testContext) {
		Class<?> testClass = testContext.getTestClass();
		if (TestContextAnnotationUtils.hasAnnotation(testClass, InngestTest.class)) {
			return;
		}
		ReflectionUtils.doWithFields(testClass, (field) -> {
			throw new IllegalStateException(testClass.getName() + "." + field.getName() + " is an "
					+ InngestTestEnvironment.class.getSimpleName() + ", which only tests annotated with @"
					+ InngestTest.class.getSimpleName() + " are given: annotate " + testClass.getSimpleName()
					+ " with @" + InngestTest.class.getName() + " in place of @SpringBootTest");
		}, InngestTestRequiredListener::injectedEnvironment);
	}

	private static boolean injectedEnvironment(Field field) {
		if (!InngestTestEnvironment.class.isAssignableFrom(field.getType())) {
			return false;
		}
		Autowired autowired = AnnotatedElementUtils.findMergedAnnotation(field, Autowired.class);
		return autowired != null && autowired.required();
	}

}
