package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.durable.inngest.BulkCancelRequest;
import dev.durable.inngest.BulkCancellation;
import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.RunRecord;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cancellation handlers: a run of its own per cancelled run, with what cancelled it, on
 * the real engine and H2 (or as the test support chooses, PostgreSQL or memory).
 */
@SpringBootTest(classes = EngineTestApplication.class)
class CancellationHandlingTests {

	private static final Duration AT_MOST = Duration.ofSeconds(10);

	@Autowired
	InngestClient inngest;

	@Autowired
	InngestRuns runs;

	@Autowired
	Executions executions;

	@Autowired
	RunProbe probe;

	@Autowired
	CancellationHandlerFunctions functions;

	private final String key = UUID.randomUUID().toString();

	private String send(String name, Map<String, Object> data) {
		Map<String, Object> all = new HashMap<>(data);
		all.put("key", this.key);
		return this.inngest.send(Event.of(name, all)).get(0);
	}

	private String sleepingBooking(Map<String, Object> data) {
		String runId = this.probe.awaitRunId(send("test/booking.requested", data), "booking");
		this.probe.awaitStatus(runId, RunStatus.SLEEPING);
		return runId;
	}

	private List<FunctionCancelledEvent> handledFor(String runId) {
		return this.functions.handled.stream().filter((cancelled) -> cancelled.runId().equals(runId)).toList();
	}

	private List<String> handlerRuns(String runId, String handlerId) {
		List<String> eventIds = this.probe.eventIds(FunctionCancelledEvent.NAME, runId);
		return eventIds.stream().flatMap((eventId) -> this.probe.runIds(eventId, handlerId).stream()).toList();
	}

	@Test
	void cancelThroughTheApiStartsTheHandlerOnceWithTheCancelledRun() {
		String runId = sleepingBooking(Map.of("bookingId", "api-" + this.key));
		this.runs.cancel(runId);
		await().atMost(AT_MOST).until(() -> handledFor(runId).size() == 1);
		FunctionCancelledEvent cancelled = handledFor(runId).get(0);
		assertThat(cancelled.functionId()).isEqualTo("engine-tests-booking");
		assertThat(cancelled.runId()).isEqualTo(runId);
		assertThat(cancelled.originalEvent().name()).isEqualTo("test/booking.requested");
		assertThat(cancelled.originalEvent().id()).isEqualTo(this.probe.run(runId).event().id());
		assertThat(cancelled.originalEvent().data()).containsEntry("bookingId", "api-" + this.key);
		assertThat(cancelled.error()).isEqualTo(FunctionCancelledEvent.ERROR);
		assertThat(cancelled.event().name()).isEqualTo(FunctionCancelledEvent.NAME);
		assertThat(cancelled.cause().by()).isEqualTo(FunctionCancelledEvent.Cause.API);
		assertThat(cancelled.cause().id()).isNull();
		assertThat(cancelled.cause().reason()).isEqualTo(this.probe.run(runId).cancellation().reason());
		await().during(Duration.ofMillis(300)).until(() -> handledFor(runId).size() == 1);
	}

	@Test
	void handlerIsARunOfItsOwnFunctionStartedByTheCancelledEvent() {
		String runId = sleepingBooking(Map.of("bookingId", "own-" + this.key));
		this.runs.cancel(runId);
		await().atMost(AT_MOST).until(() -> this.executions.recorded(this.key, "handler-run").size() == 1);
		String handlerRunId = (String) this.executions.recorded(this.key, "handler-run").get(0);
		RunRecord handlerRun = this.probe.awaitEnded(handlerRunId, AT_MOST);
		assertThat(handlerRun.functionId()).isEqualTo("booking-cancel");
		assertThat(handlerRun.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(handlerRun.event().name()).isEqualTo(FunctionCancelledEvent.NAME);
		assertThat(handlerRun.event().data()).containsEntry("run_id", runId);
		assertThat(handlerRuns(runId, "booking-cancel")).containsExactly(handlerRunId);
	}

	@Test
	void handlerRunIsCommittedWithTheCancellation() {
		String runId = sleepingBooking(Map.of("bookingId", "tx-" + this.key));
		assertThat(this.runs.cancel(runId).cancelled()).isTrue();
		// No waiting: the handler's run was created in the transaction that cancelled the
		// run.
		assertThat(this.probe.run(runId).status()).isEqualTo(RunStatus.CANCELLED);
		assertThat(handlerRuns(runId, "booking-cancel")).hasSize(1);
		assertThat(this.runs.cancel(runId).cancelled()).isFalse();
		await().atMost(AT_MOST).until(() -> handledFor(runId).size() == 1);
		assertThat(handlerRuns(runId, "booking-cancel")).hasSize(1);
	}

	@Test
	void cancelOnEventGivesTheCancellingEventAsTheCause() {
		String runId = sleepingBooking(Map.of("bookingId", "ev-" + this.key));
		String cancellingEventId = send("test/booking.withdrawn", Map.of("bookingId", "ev-" + this.key));
		await().atMost(AT_MOST).until(() -> handledFor(runId).size() == 1);
		FunctionCancelledEvent.Cause cause = handledFor(runId).get(0).cause();
		assertThat(cause.by()).isEqualTo(FunctionCancelledEvent.Cause.EVENT);
		assertThat(cause.id()).isEqualTo(cancellingEventId);
		assertThat(cause.reason()).contains("test/booking.withdrawn").contains(cancellingEventId);
	}

	@Test
	void bulkCancellationStartsOneHandlerRunPerCancelledRun() {
		Instant from = Instant.now();
		String first = sleepingBooking(Map.of("bookingId", "b1-" + this.key));
		String second = sleepingBooking(Map.of("bookingId", "b2-" + this.key));
		BulkCancellation cancellation = this.runs.cancelAll(new BulkCancelRequest("bookings", "booking", from,
				Instant.now(), "event.data.key == '" + this.key + "'"));
		await().atMost(AT_MOST).until(() -> handledFor(first).size() == 1 && handledFor(second).size() == 1);
		for (String runId : List.of(first, second)) {
			FunctionCancelledEvent.Cause cause = handledFor(runId).get(0).cause();
			assertThat(cause.by()).isEqualTo(FunctionCancelledEvent.Cause.BULK_CANCELLATION);
			assertThat(cause.id()).isEqualTo(cancellation.id());
			assertThat(handlerRuns(runId, "booking-cancel")).hasSize(1);
		}
		await().during(Duration.ofMillis(300))
			.until(() -> handledFor(first).size() == 1 && handledFor(second).size() == 1);
	}

	@Test
	void timeoutGivesTheTimeoutAsTheCause() {
		String runId = this.probe.awaitRunId(send("test/quick-booking.requested", Map.of()), "quick-booking");
		this.probe.awaitStatus(runId, RunStatus.CANCELLED);
		await().atMost(AT_MOST).until(() -> handledFor(runId).size() == 1);
		FunctionCancelledEvent.Cause cause = handledFor(runId).get(0).cause();
		assertThat(cause.by()).isEqualTo(FunctionCancelledEvent.Cause.TIMEOUT);
		assertThat(cause.id()).isNull();
		assertThat(handlerRuns(runId, "quick-booking-cancel")).hasSize(1);
	}

	@Test
	void completedRunStartsNoHandler() {
		RunRecord run = this.probe.awaitEnded(send("test/booking.requested", Map.of("instant", true)), "booking");
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		await().during(Duration.ofMillis(500)).until(() -> handledFor(run.id()).isEmpty());
		assertThat(this.probe.eventIds(FunctionCancelledEvent.NAME, run.id())).isEmpty();
	}

	@Test
	void failedRunStartsNoHandler() {
		RunRecord run = this.probe.awaitEnded(send("test/booking.requested", Map.of("unavailable", true)), "booking");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		await().during(Duration.ofMillis(500)).until(() -> handledFor(run.id()).isEmpty());
		assertThat(this.probe.eventIds(FunctionCancelledEvent.NAME, run.id())).isEmpty();
	}

	@Test
	void failingHandlerIsRetried() {
		String runId = sleepingBooking(Map.of("bookingId", "retry-" + this.key, "handler", "fails-once"));
		this.runs.cancel(runId);
		await().atMost(AT_MOST).until(() -> handledFor(runId).size() == 1);
		assertThat(this.executions.count(this.key, "release")).isEqualTo(2);
	}

	@Test
	void handlerThatAlwaysFailsStopsAfterItsRetriesAndStartsNoOtherHandler() {
		String runId = sleepingBooking(Map.of("bookingId", "fail-" + this.key, "handler", "always-fails"));
		this.runs.cancel(runId);
		await().atMost(AT_MOST).until(() -> handlerRuns(runId, "booking-cancel").size() == 1);
		String handlerRunId = handlerRuns(runId, "booking-cancel").get(0);
		RunRecord handlerRun = this.probe.awaitEnded(handlerRunId, AT_MOST);
		assertThat(handlerRun.status()).isEqualTo(RunStatus.FAILED);
		assertThat(this.executions.count(this.key, "release")).isEqualTo(2);
		assertThat(this.probe.eventIds(FunctionCancelledEvent.NAME, handlerRunId)).isEmpty();
		await().during(Duration.ofMillis(500)).until(() -> handlerRuns(runId, "booking-cancel").size() == 1);
		assertThat(handledFor(runId)).isEmpty();
	}

}
