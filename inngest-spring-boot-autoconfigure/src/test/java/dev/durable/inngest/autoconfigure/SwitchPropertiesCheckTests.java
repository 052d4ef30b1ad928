package dev.durable.inngest.autoconfigure;

import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The switches checked at start-up are those the auto-configurations' conditions read.
 */
class SwitchPropertiesCheckTests {

	@Test
	void everySwitchThatAConditionReadsIsChecked() throws Exception {
		Set<String> read = new TreeSet<>();
		for (Class<?> configuration : List.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class,
				InngestLocalStoreConfiguration.class, InngestMetricsAutoConfiguration.class,
				InngestRetentionAutoConfiguration.class, InngestActuatorAutoConfiguration.class,
				InngestWebAutoConfiguration.class, InngestRemoteAutoConfiguration.class,
				InngestExecutorAutoConfiguration.class, InngestEndpointManagementContextConfiguration.class)) {
			collect(configuration, read);
		}
		assertThat(read).isNotEmpty();
		assertThat(SwitchPropertiesCheck.SWITCHES).containsExactlyInAnyOrderElementsOf(read);
	}

	private static void collect(Class<?> type, Set<String> read) {
		List<AnnotatedElement> elements = new ArrayList<>(List.of(type));
		elements.addAll(Arrays.asList(type.getDeclaredMethods()));
		for (AnnotatedElement element : elements) {
			MergedAnnotations annotations = MergedAnnotations.from(element);
			annotations.stream(ConditionalOnProperty.class)
				.filter((condition) -> "true".equals(condition.getString("havingValue")))
				.forEach((condition) -> names(condition, read));
			annotations.stream(ConditionalOnBooleanProperty.class)
				.filter((condition) -> condition.getBoolean("havingValue"))
				.forEach((condition) -> names(condition, read));
		}
		for (Class<?> nested : type.getDeclaredClasses()) {
			collect(nested, read);
		}
	}

	private static void names(MergedAnnotation<?> condition, Set<String> read) {
		String prefix = condition.getString("prefix");
		String[] names = condition.getStringArray("name");
		for (String name : (names.length > 0) ? names : condition.getStringArray("value")) {
			read.add(prefix.isEmpty() ? name : prefix + "." + name);
		}
	}

}
