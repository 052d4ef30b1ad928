package dev.durable.inngest.engine;

import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.Event;
import dev.durable.inngest.Step.StepBody;
import dev.durable.inngest.StepFailedException;
import dev.durable.inngest.StepOptions;
import dev.durable.inngest.WaitForEvent;
import dev.durable.inngest.engine.StepReplay.StepCall;
import dev.durable.inngest.engine.store.StepKind;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The step semantics both drivers share, with a driver that executes new run steps at
 * once and records what it was asked.
 */
class StepReplayTests {

	private final RecordingDriver driver = new RecordingDriver();

	private final StepReplay steps = new StepReplay("run-1", "fn", 3, 0, new JsonCodec(JsonMapper.shared()),
			this.driver);

	@Test
	void repeatedIdsGetNumberedKeysPerId() {
		for (int i = 0; i < 3; i++) {
			this.steps.run("item", Integer.class, () -> 1);
			this.steps.run("other", Integer.class, () -> 2);
		}
		assertThat(this.driver.keys).containsExactly("item", "other", "item:1", "other:1", "item:2", "other:2");
	}

	@Test
	void aRepeatSkipsTheKeysOfStepsNamedLikeRepeats() {
		this.steps.run("item", Integer.class, () -> 1);
		this.steps.run("item:1", Integer.class, () -> 2);
		this.steps.run("item", Integer.class, () -> 3);
		this.steps.run("item", Integer.class, () -> 4);
		this.steps.run("item:3", Integer.class, () -> 5);
		assertThat(this.driver.keys).containsExactly("item", "item:1", "item:2", "item:3", "item:3:1");
	}

	@Test
	void completedStepIsReadIntoTheDeclaredTypeWithoutExecuting() {
		this.driver.memo.put("order", new StepReplay.Completed("{\"id\":\"A1\",\"total\":42}"));
		Order order = this.steps.run("order", Order.class, () -> {
			throw new AssertionError("not executed again");
		});
		assertThat(order).isEqualTo(new Order("A1", 42));
		assertThat(this.driver.executed).isEmpty();
	}

	@Test
	void stepThatFailedForGoodIsThrownAsStepFailedException() {
		ErrorInfo error = new ErrorInfo("IllegalStateException", "declined", "stack");
		this.driver.memo.put("charge:1", new StepReplay.Failed(error));
		this.steps.run("charge", () -> {
		});
		assertThatExceptionOfType(StepFailedException.class).isThrownBy(() -> this.steps.run("charge", () -> {
		})).satisfies((ex) -> {
			assertThat(ex.stepId()).isEqualTo("charge");
			assertThat(ex.error()).isEqualTo(error);
		});
	}

	@Test
	void waitReplaysItsEventOrItsTimeOut() {
		this.driver.memo.put("paid", new StepReplay.Completed("{\"name\":\"shop/paid\",\"data\":{\"id\":1},\"ts\":5}"));
		this.driver.memo.put("shipped", new StepReplay.Completed(null));
		WaitForEvent wait = WaitForEvent.event("x").timeout(Duration.ofHours(1));
		assertThat(this.steps.waitForEvent("paid", wait)).hasValueSatisfying((event) -> {
			assertThat(event.name()).isEqualTo("shop/paid");
			assertThat(event.data()).containsEntry("id", 1);
		});
		assertThat(this.steps.waitForEvent("shipped", wait)).isEmpty();
	}

	@Test
	void stepsCannotBeNested() {
		assertThatIllegalStateException().isThrownBy(() -> this.steps.run("outer", () -> this.steps.run("inner", () -> {
		}))).withMessageContaining("steps cannot be nested");
	}

	@Test
	void invalidArgumentsAreRejectedBeforeTheDriverIsAsked() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.steps.run("", () -> {
		}));
		assertThatIllegalArgumentException().isThrownBy(() -> this.steps.sleep("nap", Duration.ofSeconds(-1)));
		assertThatIllegalArgumentException().isThrownBy(() -> StepReplay.checkWait("w",
				WaitForEvent.event("x").match("id").timeout(Duration.ofHours(1)), (condition) -> {
				}))
			.withMessageContaining("not a dotted field");
		assertThat(this.driver.executed).isEmpty();
	}

	@Test
	void sleepsAndWaitsLastAtMost366Days() {
		Duration most = Duration.ofDays(366);
		assertThat(StepReplay.checkedSleep("nap", most)).isEqualTo(most);
		assertThatIllegalArgumentException().isThrownBy(() -> StepReplay.checkedSleep("nap", most.plusMillis(1)))
			.withMessage("Step 'nap': a sleep of PT8784H0.001S is longer than the longest allowed, 366 days");
		StepReplay.checkWait("w", WaitForEvent.event("x").timeout(most), (condition) -> {
		});
		assertThatIllegalArgumentException().isThrownBy(
				() -> StepReplay.checkWait("w", WaitForEvent.event("x").timeout(most.plusSeconds(1)), (condition) -> {
				}))
			.withMessage("Step 'w': invalid waitForEvent: the timeout PT8784H1S is longer than 366 days");
	}

	@Test
	void runContextSeesTheAttemptTheDriverSets() {
		assertThat(this.steps.runId()).isEqualTo("run-1");
		assertThat(this.steps.functionId()).isEqualTo("fn");
		assertThat(this.steps.maxAttempts()).isEqualTo(3);
		this.steps.setAttempt(2);
		assertThat(this.steps.attempt()).isEqualTo(2);
	}

	@Test
	void stepOptionsReachTheDriverAndSetTheMostAttemptsTheStepSees() {
		List<Integer> seen = new ArrayList<>();
		this.steps.run("charge", StepOptions.retries(7), () -> seen.add(this.steps.maxAttempts()));
		this.steps.run("plain", () -> seen.add(this.steps.maxAttempts()));
		assertThat(seen).containsExactly(8, 3);
		assertThat(this.steps.maxAttempts()).isEqualTo(3);
		assertThat(this.driver.options).containsExactly(StepOptions.retries(7), StepOptions.defaults());
	}

	@Test
	void retriesOutOfRangeAreRejectedNamingTheStep() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.steps.run("charge", StepOptions.retries(21), () -> {
		})).withMessage("Step 'charge': invalid options: retries must be from 0 to 20, but was 21");
		assertThatIllegalArgumentException().isThrownBy(() -> this.steps.run("refund", StepOptions.retries(-1), () -> {
		})).withMessage("Step 'refund': invalid options: retries must be from 0 to 20, but was -1");
		assertThat(this.driver.executed).isEmpty();
	}

	@Test
	void invalidBackoffIsRejectedNamingTheStep() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.steps.run("poll",
					StepOptions.defaults().backoff(Duration.ZERO, Duration.ofSeconds(1)), Integer.class, () -> 1))
			.withMessage("Step 'poll': invalid options: the initial back-off must be at least 1ms, but was PT0S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.steps.run("poll",
					StepOptions.defaults().backoff(Duration.ofNanos(500_000), Duration.ofSeconds(1)), Integer.class,
					() -> 1))
			.withMessage("Step 'poll': invalid options: the initial back-off must be at least 1ms, but was PT0.0005S");
		assertThatIllegalArgumentException().isThrownBy(() -> this.steps.run("poll",
				StepOptions.retries(3).backoff(Duration.ofSeconds(10), Duration.ofSeconds(1)), Integer.class, () -> 1))
			.withMessage(
					"Step 'poll': invalid options: the longest back-off PT1S is shorter than the initial one PT10S");
		assertThatIllegalArgumentException().isThrownBy(() -> this.steps.run("poll", null, Integer.class, () -> 1))
			.withMessageStartingWith("Step 'poll': invalid options: the options must not be null");
	}

	@Test
	@SuppressWarnings({ "unchecked", "rawtypes" })
	void aNullTypeOrBodyIsRejectedBeforeAnythingRuns() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.steps.run("charge", (Class<String>) null, () -> "charged"))
			.withMessage("Step 'charge': the type of its result must not be null");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.steps.run("charge", (ParameterizedTypeReference) null, () -> "charged"))
			.withMessage("Step 'charge': the type of its result must not be null");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.steps.run("charge", String.class, (Callable<String>) null))
			.withMessage("Step 'charge': its body must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> this.steps.run("notify", (StepBody) null))
			.withMessage("Step 'notify': its body must not be null");
		assertThat(this.driver.executed).isEmpty();
	}

	@Test
	void boundaryRetriesAreAccepted() {
		assertThat(this.steps.run("none", StepOptions.retries(0), Integer.class, () -> 1)).isEqualTo(1);
		assertThat(this.steps.run("most", StepOptions.retries(20), Integer.class, () -> 2)).isEqualTo(2);
	}

	record Order(String id, int total) {
	}

	private static final class RecordingDriver implements StepReplay.Driver {

		final Map<String, StepReplay.Memo> memo = new HashMap<>();

		final List<String> keys = new ArrayList<>();

		final List<String> executed = new ArrayList<>();

		final List<StepOptions> options = new ArrayList<>();

		@Override
		public StepReplay.Memo memo(StepCall step, StepKind kind) {
			this.keys.add(step.key());
			return this.memo.get(step.key());
		}

		@Override
		public <T> T newRun(StepCall step, StepOptions options, Type type, Callable<T> body) {
			this.executed.add(step.key());
			this.options.add(options);
			try {
				return body.call();
			}
			catch (RuntimeException | Error ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}

		@Override
		public void newSleep(StepCall step, Duration duration, Instant until) {
			this.executed.add(step.key());
		}

		@Override
		public Optional<Event> newWait(StepCall step, WaitForEvent wait) {
			this.executed.add(step.key());
			return Optional.empty();
		}

		@Override
		public List<String> newSend(StepCall step, List<Event> events) {
			this.executed.add(step.key());
			return List.of();
		}

	}

}
