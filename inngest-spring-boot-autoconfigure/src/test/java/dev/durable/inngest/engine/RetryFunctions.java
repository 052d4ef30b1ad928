package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.FailureContext;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.NonRetriableException;
import dev.durable.inngest.OnFailure;
import dev.durable.inngest.RetryAfterException;
import dev.durable.inngest.Retries;
import dev.durable.inngest.RunContext;
import dev.durable.inngest.Step;
import dev.durable.inngest.StepFailedException;
import dev.durable.inngest.StepOptions;

/**
 * Functions for the retry scenarios. Each run is told apart by the {@code key} of its
 * event's data, and how often a step fails by {@code fail}.
 */
public class RetryFunctions {

	private final Executions executions;

	public RetryFunctions(Executions executions) {
		this.executions = executions;
	}

	static String key(Event event) {
		return (String) event.data().get("key");
	}

	static int fail(Event event) {
		return ((Number) event.data().getOrDefault("fail", 0)).intValue();
	}

	@InngestFunction(id = "flaky-step", event = "test/flaky-step")
	String flakyStep(Event event, Step step) {
		String key = key(event);
		step.run("before", () -> this.executions.hit(key, "before"));
		String result = step.run("flaky", String.class, () -> {
			int n = this.executions.hit(key, "flaky");
			if (n <= fail(event)) {
				throw new IllegalStateException("flaky failure " + n);
			}
			return "done after " + n;
		});
		step.run("after", () -> this.executions.hit(key, "after"));
		return result;
	}

	@InngestFunction(id = "always-fails", event = "test/always-fails")
	void alwaysFails(Event event, Step step) {
		step.run("fails", () -> {
			this.executions.hit(key(event), "fails");
			throw new IllegalStateException("always");
		});
	}

	@InngestFunction(id = "always-fails-no-retries", event = "test/always-fails-no-retries")
	@Retries(0)
	void alwaysFailsNoRetries(Event event, Step step) {
		alwaysFails(event, step);
	}

	@InngestFunction(id = "always-fails-twenty-retries", event = "test/always-fails-twenty-retries")
	@Retries(20)
	void alwaysFailsTwentyRetries(Event event, Step step) {
		alwaysFails(event, step);
	}

	@InngestFunction(id = "two-flaky-steps", event = "test/two-flaky-steps")
	@Retries(2)
	String twoFlakySteps(Event event, Step step) {
		String key = key(event);
		for (String id : new String[] { "first", "second" }) {
			step.run(id, () -> {
				if (this.executions.hit(key, id) <= 2) {
					throw new IllegalStateException(id + " failed");
				}
			});
		}
		return "both done";
	}

	@InngestFunction(id = "flaky-body", event = "test/flaky-body")
	String flakyBody(Event event, Step step, RunContext run) {
		String key = key(event);
		step.run("once", () -> this.executions.hit(key, "once"));
		this.executions.record(key, "attempt", run.attempt());
		this.executions.record(key, "max-attempts", run.maxAttempts());
		if (this.executions.hit(key, "body") <= fail(event)) {
			throw new IllegalStateException("body failure");
		}
		return "body done";
	}

	@InngestFunction(id = "last-try-fallback", event = "test/last-try-fallback")
	@Retries(2)
	String lastTryFallback(Event event, Step step, RunContext run) {
		String key = key(event);
		boolean lastTry = run.attempt() == run.maxAttempts() - 1;
		this.executions.record(key, "attempt", run.attempt());
		String rates = step.run("fetch", String.class, () -> {
			this.executions.hit(key, "fetch");
			if (lastTry) {
				return "fallback rates";
			}
			throw new IllegalStateException("primary down");
		});
		this.executions.record(key, "attempt-after", run.attempt());
		return rates;
	}

	@InngestFunction(id = "body-fails-between-steps", event = "test/body-fails-between-steps")
	@Retries(2)
	String bodyFailsBetweenSteps(Event event, Step step) {
		String key = key(event);
		step.run("a", () -> this.executions.hit(key, "a"));
		if (this.executions.hit(key, "after-a") <= 1) {
			throw new IllegalStateException("not yet after a");
		}
		step.run("b", () -> this.executions.hit(key, "b"));
		if (this.executions.hit(key, "after-b") <= 2) {
			throw new IllegalStateException("not yet after b");
		}
		return "through";
	}

	@InngestFunction(id = "non-retriable-step", event = "test/non-retriable-step")
	String nonRetriableStep(Event event, Step step) {
		String key = key(event);
		try {
			step.run("refuse", () -> {
				this.executions.hit(key, "refuse");
				throw new NonRetriableException("account closed");
			});
			return "not reached";
		}
		catch (StepFailedException ex) {
			return "caught " + ex.stepId() + ": " + ex.errorName() + ": " + ex.errorMessage();
		}
	}

	@InngestFunction(id = "non-retriable-body", event = "test/non-retriable-body")
	void nonRetriableBody(Event event) {
		this.executions.hit(key(event), "body");
		throw new NonRetriableException("invalid order");
	}

	@OnFailure(function = "non-retriable-body")
	void nonRetriableBodyFailed(FailureContext failure) {
		this.executions.record(key(failure.originalEvent()), "failure-handled", failure.error().name());
	}

	@InngestFunction(id = "retry-after", event = "test/retry-after")
	void retryAfter(Event event, Step step) {
		step.run("rate-limited", () -> {
			if (this.executions.hit(key(event), "rate-limited") == 1) {
				throw new RetryAfterException("429 Too Many Requests", Duration.ofSeconds(3));
			}
		});
	}

	@InngestFunction(id = "retry-after-instant", event = "test/retry-after-instant")
	@Retries(1)
	String retryAfterInstant(Event event, Step step) {
		try {
			step.run("rate-limited", () -> {
				this.executions.hit(key(event), "rate-limited");
				throw new RetryAfterException("429 Too Many Requests", Instant.now().plusMillis(1500));
			});
			return "ran";
		}
		catch (StepFailedException ex) {
			return "gave up: " + ex.getMessage();
		}
	}

	@InngestFunction(id = "saga", event = "test/saga")
	Map<String, Object> saga(Event event, Step step) {
		String key = key(event);
		step.run("reserve", () -> this.executions.hit(key, "reserve"));
		try {
			step.run("charge", () -> {
				this.executions.hit(key, "charge");
				throw new NonRetriableException("card declined");
			});
		}
		catch (StepFailedException ex) {
			step.run("release", () -> this.executions.hit(key, "release"));
			if (Boolean.TRUE.equals(event.data().get("rethrow"))) {
				throw ex;
			}
			return Map.of("rolledBack", true, "reason", ex.errorMessage());
		}
		return Map.of("rolledBack", false);
	}

	@InngestFunction(id = "backoff-order", event = "test/backoff-order")
	@Retries(3)
	void backoffOrder(Event event, Step step) {
		step.run("fails", () -> {
			this.executions.hit(key(event), "fails");
			throw new IllegalStateException("always");
		});
	}

	@InngestFunction(id = "step-fewer-retries", event = "test/step-fewer-retries")
	String stepFewerRetries(Event event, Step step, RunContext run) {
		String key = key(event);
		this.executions.record(key, "body-max-attempts", run.maxAttempts());
		try {
			step.run("charge", StepOptions.retries(1), () -> {
				this.executions.hit(key, "charge");
				this.executions.record(key, "attempt", run.attempt());
				this.executions.record(key, "max-attempts", run.maxAttempts());
				throw new IllegalStateException("declined");
			});
			return "not reached";
		}
		catch (StepFailedException ex) {
			this.executions.record(key, "body-max-attempts", run.maxAttempts());
			return "caught " + ex.stepId() + ": " + ex.errorMessage();
		}
	}

	@InngestFunction(id = "step-more-retries", event = "test/step-more-retries")
	@Retries(0)
	String stepMoreRetries(Event event, Step step, RunContext run) {
		String key = key(event);
		String result = step.run("poll", StepOptions.retries(5), String.class, () -> {
			int n = this.executions.hit(key, "poll");
			this.executions.record(key, "max-attempts", run.maxAttempts());
			if (n <= fail(event)) {
				throw new IllegalStateException("not ready " + n);
			}
			return "ready after " + n;
		});
		step.run("other", () -> {
			this.executions.hit(key, "other");
			throw new IllegalStateException("the function's own budget");
		});
		return result;
	}

	@InngestFunction(id = "step-own-backoff", event = "test/step-own-backoff")
	@Retries(2)
	void stepOwnBackoff(Event event, Step step) {
		step.run("slow", StepOptions.defaults().backoff(Duration.ofMillis(150), Duration.ofMillis(250)), () -> {
			this.executions.hit(key(event), "slow");
			throw new IllegalStateException("always");
		});
	}

	// Retries left, which a failure at once does not use.
	@InngestFunction(id = "step-invalid-options", event = "test/step-invalid-options")
	@Retries(3)
	void stepInvalidOptions(Event event, Step step) {
		step.run("charge", StepOptions.retries(21), () -> this.executions.hit(key(event), "charge"));
	}

}
