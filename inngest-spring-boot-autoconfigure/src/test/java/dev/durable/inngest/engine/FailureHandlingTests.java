package dev.durable.inngest.engine;

import dev.durable.inngest.RunStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.durable.inngest.Event;
import dev.durable.inngest.FailureContext;
import dev.durable.inngest.FunctionFailedEvent;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.engine.store.RunRecord;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Failure handlers, the {@code inngest/function.failed} system event, the Spring event
 * and the failure counter, on the real engine and H2.
 */
@SpringBootTest(classes = EngineTestApplication.class)
class FailureHandlingTests {

	@Autowired
	InngestClient inngest;

	@Autowired
	Executions executions;

	@Autowired
	RunProbe probe;

	@Autowired
	FailureFunctions functions;

	@Autowired
	MeterRegistry meters;

	private final String key = UUID.randomUUID().toString();

	private RunRecord charge(Map<String, Object> data) {
		Map<String, Object> all = new HashMap<>(data);
		all.put("key", this.key);
		return this.probe.awaitEnded(this.inngest.send(Event.of("test/charge", all)).get(0), "charge-order");
	}

	private List<FailureContext> handledForThisRun(String runId) {
		return this.functions.handled.stream().filter((failure) -> failure.runId().equals(runId)).toList();
	}

	private List<Event> ofRun(List<Event> events, String runId) {
		return events.stream().filter((event) -> runId.equals(event.data().get("run_id"))).toList();
	}

	@Test
	void failureHandlerRunsOnceWithTheFailurePayload() {
		RunRecord run = charge(Map.of("decline", true));
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		await().atMost(Duration.ofSeconds(10)).until(() -> handledForThisRun(run.id()).size() == 1);
		FailureContext failure = handledForThisRun(run.id()).get(0);
		assertThat(failure.functionId()).isEqualTo("engine-tests-charge-order");
		assertThat(failure.runId()).isEqualTo(run.id());
		assertThat(failure.error().name()).isEqualTo("StepFailedException");
		assertThat(failure.error().message()).isEqualTo("Step 'charge' failed: NonRetriableException: card declined");
		assertThat(failure.error().stack()).contains("StepFailedException");
		assertThat(failure.originalEvent().name()).isEqualTo("test/charge");
		assertThat(failure.originalEvent().id()).isEqualTo(run.event().id());
		assertThat(failure.originalEvent().data()).containsEntry("key", this.key);
		assertThat(failure.event().name()).isEqualTo("inngest/function.failed");
		assertThat(failure.event().data()).containsOnlyKeys("error", "event", "function_id", "run_id");
		await().during(Duration.ofMillis(300)).until(() -> handledForThisRun(run.id()).size() == 1);
	}

	@Test
	void failureHandlerIsARunOfItsOwnFunction() {
		RunRecord run = charge(Map.of("decline", true));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.executions.recorded(this.key, "handler-run").size() == 1);
		String handlerRunId = (String) this.executions.recorded(this.key, "handler-run").get(0);
		RunRecord handlerRun = this.probe.awaitEnded(handlerRunId, Duration.ofSeconds(10));
		assertThat(handlerRun.functionId()).isEqualTo("charge-order-failure");
		assertThat(handlerRun.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(handlerRun.event().name()).isEqualTo("inngest/function.failed");
		assertThat(handlerRun.event().data()).containsEntry("run_id", run.id());
	}

	@Test
	void failureHandlerDoesNotRunForASuccessfulRun() {
		RunRecord run = charge(Map.of());
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		await().during(Duration.ofMillis(500)).until(() -> handledForThisRun(run.id()).isEmpty());
		assertThat(ofRun(this.functions.allFailures, run.id())).isEmpty();
		assertThat(this.functions.springEvents).noneMatch((event) -> event.runId().equals(run.id()));
	}

	@Test
	void failingFailureHandlerIsRetried() {
		RunRecord run = charge(Map.of("decline", true, "handler", "fails-once"));
		await().atMost(Duration.ofSeconds(10)).until(() -> handledForThisRun(run.id()).size() == 1);
		assertThat(this.executions.count(this.key, "alert")).isEqualTo(2);
	}

	@Test
	void failureHandlerThatAlwaysFailsStopsAfterItsRetriesAndTriggersNothing() {
		RunRecord run = charge(Map.of("decline", true, "handler", "always-fails"));
		String handlerRunId = this.probe.awaitRunId(failedEventId(run.id()), "charge-order-failure");
		RunRecord handlerRun = this.probe.awaitEnded(handlerRunId, Duration.ofSeconds(10));
		assertThat(handlerRun.status()).isEqualTo(RunStatus.FAILED);
		assertThat(this.executions.count(this.key, "alert")).isEqualTo(2);
		await().during(Duration.ofMillis(500)).until(() -> ofRun(this.functions.allFailures, handlerRunId).isEmpty());
		assertThat(this.probe.count("inngest_event WHERE data LIKE '%" + handlerRunId + "%'")).isZero();
		assertThat(this.functions.springEvents).noneMatch((event) -> event.runId().equals(handlerRunId));
		assertThat(handledForThisRun(run.id())).isEmpty();
	}

	@Test
	void aFunctionOfFailuresThatFailsIsReportedButNeverTriggeredByItsOwnFailure() {
		RunRecord run = charge(Map.of("decline", true, "watcherFails", true));
		await().atMost(Duration.ofSeconds(10)).until(() -> ofRun(this.functions.allFailures, run.id()).size() == 1);
		String watcherRunId = this.probe.awaitRunId(ofRun(this.functions.allFailures, run.id()).get(0).id(),
				"all-failures");
		RunRecord watcher = this.probe.awaitEnded(watcherRunId, Duration.ofSeconds(10));
		assertThat(watcher.status()).isEqualTo(RunStatus.FAILED);
		assertThat(watcher.error().message()).isEqualTo("the watcher is down");
		// Its failure is stored and published once, but triggers no function of
		// failures, itself included: else each failure of it would start the next.
		String ownEvent = failedEventId(watcherRunId);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.functions.springEvents.stream().anyMatch((event) -> event.runId().equals(watcherRunId)));
		await().during(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(2))
			.until(() -> this.probe.runIds(ownEvent, "all-failures").isEmpty()
					&& ofRun(this.functions.chargeFailures, watcherRunId).isEmpty());
		assertThat(this.functions.springEvents).filteredOn((event) -> event.runId().equals(watcherRunId)).hasSize(1);
	}

	private String failedEventId(String runId) {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.probe
				.count("inngest_event WHERE name = 'inngest/function.failed' AND data LIKE '%" + runId + "%'") == 1);
		return this.probe.eventIds("inngest/function.failed", runId).get(0);
	}

	@Test
	void systemEventTriggersUnfilteredAndFilteredFunctions() {
		RunRecord failed = charge(Map.of("decline", true));
		RunRecord other = this.probe.awaitEnded(
				this.inngest.send(Event.of("test/non-retriable-body", Map.of("key", this.key))).get(0),
				"non-retriable-body");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> ofRun(this.functions.allFailures, failed.id()).size() == 1
					&& ofRun(this.functions.allFailures, other.id()).size() == 1
					&& ofRun(this.functions.chargeFailures, failed.id()).size() == 1);
		Event event = ofRun(this.functions.allFailures, failed.id()).get(0);
		assertThat(event.data()).containsEntry("function_id", "engine-tests-charge-order");
		await().during(Duration.ofMillis(300)).until(() -> ofRun(this.functions.chargeFailures, other.id()).isEmpty());
	}

	@Test
	void springEventIsPublishedOnceAfterTheFailureIsCommitted() {
		RunRecord run = charge(Map.of("decline", true));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.functions.springEvents.stream().anyMatch((e) -> e.runId().equals(run.id())));
		await().during(Duration.ofMillis(300))
			.until(() -> this.functions.springEvents.stream().filter((e) -> e.runId().equals(run.id())).count() == 1);
		int index = this.functions.springEvents.stream().map(FunctionFailedEvent::runId).toList().indexOf(run.id());
		assertThat(this.functions.statusSeenByListener.get(index)).isEqualTo("FAILED");
		FunctionFailedEvent event = this.functions.springEvents.get(index);
		assertThat(event.functionId()).isEqualTo("engine-tests-charge-order");
		assertThat(event.error().message()).contains("card declined");
		assertThat(event.originalEvent().data()).containsEntry("key", this.key);
		assertThat(this.functions.afterCommitEvents).filteredOn((e) -> e.runId().equals(run.id())).hasSize(1);
	}

	@Test
	void listenerThatThrowsChangesNothing() {
		RunRecord run = charge(Map.of("decline", true, "listenerThrows", true));
		await().atMost(Duration.ofSeconds(10)).until(() -> handledForThisRun(run.id()).size() == 1);
		assertThat(this.probe.run(run.id()).status()).isEqualTo(RunStatus.FAILED);
		assertThat(this.probe.run(run.id()).error().message()).contains("card declined");
		assertThat(this.functions.springEvents).filteredOn((e) -> e.runId().equals(run.id())).hasSize(1);
	}

	@Test
	void failedRunsAreCountedByFunction() {
		double before = failedCount("charge-order");
		charge(Map.of("decline", true));
		await().atMost(Duration.ofSeconds(5)).until(() -> failedCount("charge-order") == before + 1);
	}

	private double failedCount(String function) {
		var counter = this.meters.find("inngest.runs.failed").tag("function", function).counter();
		return (counter != null) ? counter.count() : 0;
	}

}
