package dev.durable.inngest.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.Event;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.StepResolution;
import dev.durable.inngest.engine.store.StepStatus;
import dev.durable.inngest.engine.store.WaitRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The events of an invoked run and how its end resolves the step that invoked it, as
 * Inngest shapes them.
 */
class InvocationsTests {

	private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

	private final JsonCodec json = new JsonCodec(JsonMapper.builder().build());

	private final WaitRecord wait = new WaitRecord("01CALLER", "a1b2", WaitRecord.Kind.INVOKE, Invocations.FINISHED,
			Invocations.MATCH, Invocations.matchValue(this.json, "01CALLER.a1b2"), null, NOW.plusSeconds(60));

	@Test
	void onlyARunStartedByAnInvokedEventWithACorrelationIsInvoked() {
		Event invoked = Event.of(Invocations.INVOKED,
				Map.of("n", 1, "_inngest", Map.of("fn_id", "app-fn", "correlation_id", "01CALLER.a1b2")));
		assertThat(Invocations.correlationId(invoked)).isEqualTo("01CALLER.a1b2");
		assertThat(Invocations.correlationId(Event.of(Invocations.INVOKED, Map.of("n", 1)))).isNull();
		assertThat(Invocations.correlationId(
				Event.of("shop/order.placed", Map.of("_inngest", Map.of("correlation_id", "01CALLER.a1b2")))))
			.isNull();
	}

	@Test
	void theFinishedEventOfACompletedRunCarriesItsResultAndMatchesTheWait() {
		Event finished = Invocations.finished(run(), "app-fn", "01CALLER.a1b2", Map.of("sum", 5), null);
		assertThat(finished.name()).isEqualTo("inngest/function.finished");
		assertThat(finished.data()).containsEntry("function_id", "app-fn")
			.containsEntry("run_id", "01CALLEE")
			.containsEntry("correlation_id", "01CALLER.a1b2")
			.containsEntry("result", Map.of("sum", 5))
			.doesNotContainKey("error");
		assertThat(finished.data().get("event")).isInstanceOfSatisfying(Map.class,
				(event) -> assertThat(event).containsEntry("name", Invocations.INVOKED));
		assertThat(this.json.matchValue(finished, this.wait.matchPath())).isEqualTo(this.wait.matchValue());
		assertThat(Invocations.resolution(this.wait, finished, this.json, NOW))
			.isEqualTo(new StepResolution("01CALLER", "a1b2", StepStatus.COMPLETED, 1, "{\"sum\":5}", null, null, NOW));
	}

	@Test
	void theFinishedEventOfAFailedRunFailsTheStepWithItsError() {
		Event finished = Invocations.finished(run(), "app-fn", "01CALLER.a1b2", null,
				new ErrorInfo("NonRetriableError", "out of stock", "at charge"));
		assertThat(finished.data()).doesNotContainKey("result");
		assertThat(Invocations.resolution(this.wait, finished, this.json, NOW))
			.isEqualTo(new StepResolution("01CALLER", "a1b2", StepStatus.FAILED, 1, null,
					new ErrorInfo("NonRetriableError", "out of stock", "at charge"), null, NOW));
		Event cancelled = Invocations.finished(run(), "app-fn", "01CALLER.a1b2", null, Invocations.CANCELLED);
		assertThat(Invocations.resolution(this.wait, cancelled, this.json, NOW).error())
			.isEqualTo(new ErrorInfo("Error", "function cancelled", null));
	}

	@Test
	void aRunThatCompletedWithNothingCompletesTheStepWithNull() {
		Event finished = Invocations.finished(run(), "app-fn", "01CALLER.a1b2", null, null);
		assertThat(finished.data()).containsEntry("result", null);
		StepResolution resolution = Invocations.resolution(this.wait, finished, this.json, NOW);
		assertThat(resolution.status()).isEqualTo(StepStatus.COMPLETED);
		assertThat(resolution.output()).isNull();
		assertThat(List.of(Invocations.TIMED_OUT.name(), Invocations.TIMED_OUT.message()))
			.containsExactly("InngestInvokeTimeoutError", "Timed out waiting for invoked function to complete");
	}

	private static RunRecord run() {
		Event event = Event
			.of(Invocations.INVOKED,
					Map.of("n", 1, "_inngest", Map.of("fn_id", "app-fn", "correlation_id", "01CALLER.a1b2")))
			.withId("01EVENT");
		return new RunRecord("01CALLEE", "app-fn", event, RunStatus.RUNNING, 0, NOW, NOW, null, null, null, null, null);
	}

}
