package dev.durable.inngest.autoconfigure;

import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The switches checked at start-up are those the conditions of the auto-configurations
 * read: every one listed in the module's {@code AutoConfiguration.imports} and
 * {@code ManagementContextConfiguration.imports}, with the classes they import and nest
 * and the members of the module's own conditions.
 */
class SwitchPropertiesCheckTests {

	@Test
	void everySwitchThatAConditionReadsIsChecked() throws Exception {
		List<Class<?>> configurations = listedConfigurations();
		assertThat(configurations).contains(InngestAutoConfiguration.class,
				InngestEndpointManagementContextConfiguration.class);
		Set<String> read = new TreeSet<>();
		Set<Class<?>> seen = new HashSet<>();
		for (Class<?> configuration : configurations) {
			collect(configuration, read, seen);
		}
		assertThat(read).isNotEmpty();
		assertThat(SwitchPropertiesCheck.SWITCHES).containsExactlyInAnyOrderElementsOf(read);
	}

	/**
	 * The configurations this module lists in its imports files; those of the other jars
	 * on the class path are not its own.
	 */
	private static List<Class<?>> listedConfigurations() throws ClassNotFoundException {
		ClassLoader classLoader = SwitchPropertiesCheckTests.class.getClassLoader();
		List<Class<?>> configurations = new ArrayList<>();
		for (Class<?> annotation : List.of(AutoConfiguration.class, ManagementContextConfiguration.class)) {
			for (String name : ImportCandidates.load(annotation, classLoader)) {
				if (name.startsWith(InngestAutoConfiguration.class.getPackageName() + ".")) {
					configurations.add(Class.forName(name, false, classLoader));
				}
			}
		}
		return configurations;
	}

	private static void collect(Class<?> type, Set<String> read, Set<Class<?>> seen) {
		if (!seen.add(type)) {
			return;
		}
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
		// The imported configurations, and the module's own conditions, whose nested
		// members may read properties too.
		MergedAnnotations annotations = MergedAnnotations.from(type);
		Stream.concat(annotations.stream(Import.class), annotations.stream(Conditional.class))
			.flatMap((annotation) -> Arrays.stream(annotation.getClassArray("value")))
			.filter((imported) -> imported.getPackageName().startsWith(InngestAutoConfiguration.class.getPackageName()))
			.forEach((imported) -> collect(imported, read, seen));
		for (Class<?> nested : type.getDeclaredClasses()) {
			collect(nested, read, seen);
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
