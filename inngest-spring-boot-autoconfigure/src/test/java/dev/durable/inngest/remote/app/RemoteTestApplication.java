package dev.durable.inngest.remote.app;

import dev.durable.inngest.Event;
import dev.durable.inngest.FailureContext;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.OnFailure;
import dev.durable.inngest.Retries;
import dev.durable.inngest.Step;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * An application in remote mode with two functions, one with a failure handler, and a
 * call handler that records the call requests it is given and plays a scripted function.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class RemoteTestApplication {

	/** The signing key of the tests: the one of the protocol's test vector A. */
	public static final String SIGNING_KEY = "signkey-prod-8f3a1c5e9b2d4f6071a3c5e7092b4d6f";

	/** A second key, as during a rotation. */
	public static final String FALLBACK_KEY = "signkey-prod-0123456789abcdef0123456789abcdef";

	@Bean
	RecordingCallHandler recordingCallHandler() {
		return new RecordingCallHandler();
	}

	@Bean
	Functions functions() {
		return new Functions();
	}

	/**
	 * The functions, whose bodies the call handler plays; here they only declare the
	 * configuration.
	 */
	public static class Functions {

		@InngestFunction(id = "greet", name = "Greet", event = "test/greet")
		@Retries(2)
		String greet(Event event, Step step) {
			return "hello";
		}

		@OnFailure(function = "greet")
		void greetFailed(FailureContext failure) {
		}

		@InngestFunction(id = "nightly", cron = "0 3 * * *")
		void nightly(Event event, Step step) {
		}

	}

}
