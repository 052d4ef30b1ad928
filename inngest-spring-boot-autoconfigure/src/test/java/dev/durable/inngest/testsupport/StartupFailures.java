package dev.durable.inngest.testsupport;

import java.util.List;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads why an application failed to start.
 */
public final class StartupFailures {

	private StartupFailures() {
	}

	/**
	 * The first cause of the given type.
	 * @param <T> the type
	 * @param failure the failure
	 * @param type the type of the cause
	 * @return the cause, or {@code null} if there is none of that type
	 */
	public static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			if (type.isInstance(candidate)) {
				return type.cast(candidate);
			}
		}
		return null;
	}

	/**
	 * Asserts that a start failed on an invalid value of a property.
	 * @param failure the failure, or {@code null} if the start did not fail
	 * @param property the property
	 * @param value the value, as the property's type prints it
	 */
	public static void assertInvalidProperty(Throwable failure, String property, String value) {
		assertThat(failure).as("the start fails").isNotNull();
		InvalidConfigurationPropertyValueException invalid = cause(failure,
				InvalidConfigurationPropertyValueException.class);
		assertThat(invalid).as("an invalid value of %s, in %s", property, failure).isNotNull();
		assertThat(invalid.getName()).isEqualTo(property);
		assertThat(String.valueOf(invalid.getValue())).isEqualTo(value);
	}

	/**
	 * What the registered failure analyzers say about a failure, as Spring Boot reports
	 * it.
	 * @param failure the failure
	 * @return the first analysis, or {@code null} if no analyzer explains it
	 */
	public static FailureAnalysis analyze(Throwable failure) {
		// Only the analyzers that need no constructor arguments, ours among them.
		return analyze(failure, null);
	}

	/**
	 * What the registered failure analyzers say about a failure, as Spring Boot reports
	 * it, including those that read the environment, such as Spring Boot's analyzer of
	 * invalid property values.
	 * @param failure the failure
	 * @param environment the environment of the application that failed
	 * @return the first analysis, or {@code null} if no analyzer explains it
	 */
	public static FailureAnalysis analyze(Throwable failure, Environment environment) {
		ArgumentResolver arguments = (environment != null) ? ArgumentResolver.of(Environment.class, environment) : null;
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, arguments,
					SpringFactoriesLoader.FailureHandler.handleMessage((message, ex) -> {
					}));
		return analyzers.stream().map((a) -> a.analyze(failure)).filter((a) -> a != null).findFirst().orElse(null);
	}

}
