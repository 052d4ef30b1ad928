package dev.durable.inngest.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.durable.inngest.BulkCancellation;
import dev.durable.inngest.CancelResult;
import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunStats;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.actuate.InngestEndpoint.FunctionDescriptor;
import dev.durable.inngest.actuate.InngestEndpoint.RunDetail;
import dev.durable.inngest.engine.EngineTestApplication;
import dev.durable.inngest.engine.RunProbe;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.function.FunctionDiscoverer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The Actuator endpoint and health indicator over real runs on H2.
 */
@SpringBootTest(classes = EngineTestApplication.class, properties = {
		"management.endpoints.web.exposure.include=inngest,health", "management.endpoint.inngest.show-values=always" })
class InngestEndpointTests {

	@Autowired
	InngestEndpoint endpoint;

	@Autowired
	InngestHealthIndicator health;

	@Autowired
	InngestClient inngest;

	@Autowired
	RunProbe probe;

	@Autowired
	FunctionDiscoverer registry;

	@Autowired
	RunStore runStore;

	@Autowired
	StepStore stepStore;

	@Autowired
	InngestRuns runs;

	private final String key = UUID.randomUUID().toString();

	private String send(String name, Map<String, Object> data) {
		Map<String, Object> all = new java.util.HashMap<>(data);
		all.put("key", this.key);
		return this.inngest.send(Event.of(name, all)).get(0);
	}

	@Test
	void functionsAreListedWithTheirConfigurationAndRunCounts() {
		this.probe.awaitEnded(send("test/flaky-step", Map.of()), "flaky-step");
		FunctionDescriptor reminder = this.endpoint.functions()
			.functions()
			.stream()
			.filter((f) -> f.id().equals("reminder"))
			.findFirst()
			.orElseThrow();
		assertThat(reminder.events()).containsExactly("test/reminder.created");
		assertThat(reminder.retries()).isEqualTo(4);
		assertThat(reminder.cancelOn()).singleElement()
			.satisfies((rule) -> assertThat(rule).containsEntry("event", "test/reminder.deleted")
				.containsEntry("match", "data.reminderId"));
		FunctionDescriptor finish = this.endpoint.functions()
			.functions()
			.stream()
			.filter((f) -> f.id().equals("must-finish-soon"))
			.findFirst()
			.orElseThrow();
		assertThat(finish.timeouts()).containsEntry("finish", "1s");
		FunctionDescriptor charge = this.endpoint.functions()
			.functions()
			.stream()
			.filter((f) -> f.id().equals("charge-order"))
			.findFirst()
			.orElseThrow();
		assertThat(charge.failureHandler()).isEqualTo("charge-order-failure");
		assertThat(charge.cancellationHandler()).isNull();
		FunctionDescriptor booking = this.endpoint.functions()
			.functions()
			.stream()
			.filter((f) -> f.id().equals("booking"))
			.findFirst()
			.orElseThrow();
		assertThat(booking.cancellationHandler()).isEqualTo("booking-cancel");
		FunctionDescriptor bookingHandler = this.endpoint.functions()
			.functions()
			.stream()
			.filter((f) -> f.id().equals("booking-cancel"))
			.findFirst()
			.orElseThrow();
		assertThat(bookingHandler.handles()).isEqualTo("booking");
		FunctionDescriptor flaky = this.endpoint.functions()
			.functions()
			.stream()
			.filter((f) -> f.id().equals("flaky-step"))
			.findFirst()
			.orElseThrow();
		assertThat(flaky.runs().get(RunStatus.COMPLETED)).isPositive();
	}

	@Test
	void runsAreListedByFunctionAndOneRunShowsItsStepsAndAttempts() {
		String runId = this.probe.awaitEnded(send("test/flaky-step", Map.of("fail", 1)), "flaky-step").id();
		RunsPage page = (RunsPage) this.endpoint.list("runs", "flaky-step", RunStatus.COMPLETED, null, null, 5, null,
				null, SecurityContext.NONE);
		assertThat(page.runs()).isNotEmpty().allMatch((run) -> run.functionId().equals("flaky-step"));
		assertThat(page.runs().get(0).id()).isEqualTo(runId);
		RunDetail detail = (RunDetail) this.endpoint.detail("runs", runId, SecurityContext.NONE);
		assertThat(detail.run().output()).isEqualTo("done after 2");
		assertThat(detail.steps()).extracting((step) -> step.key()).containsExactly("before", "flaky", "after");
		assertThat(detail.attempts()).singleElement()
			.satisfies((attempt) -> assertThat(attempt.error().message()).isEqualTo("flaky failure 1"));
		assertThat(this.endpoint.detail("runs", "no-such-run", SecurityContext.NONE)).isNull();
		assertThat(this.endpoint.list("nothing", null, null, null, null, null, null, null, SecurityContext.NONE))
			.isNull();
	}

	@Test
	void runsAreFoundByAConditionOnTheirEventAPageAtATime() {
		String first = this.probe.awaitEnded(send("test/flaky-step", Map.of("order", "o-1")), "flaky-step").id();
		this.probe.awaitEnded(send("test/flaky-step", Map.of("order", "o-2")), "flaky-step");
		String third = this.probe.awaitEnded(send("test/flaky-step", Map.of("order", "o-1")), "flaky-step").id();
		String condition = "event.data.key == '" + this.key + "' && event.data.order == 'o-1'";
		RunsPage page = (RunsPage) this.endpoint.list("runs", "flaky-step", null, null, null, 1, null, condition,
				SecurityContext.NONE);
		assertThat(page.runs()).extracting((run) -> run.id()).containsExactly(third);
		assertThat(page.nextCursor()).isEqualTo(third);
		// The pages after: the other match, and then none, however many other runs of the
		// function the other tests left to read through.
		List<String> after = new ArrayList<>();
		String cursor = page.nextCursor();
		while (cursor != null) {
			RunsPage next = (RunsPage) this.endpoint.list("runs", "flaky-step", null, null, null, 1, cursor, condition,
					SecurityContext.NONE);
			next.runs().forEach((run) -> after.add(run.id()));
			cursor = next.nextCursor();
		}
		assertThat(after).containsExactly(first);
	}

	@Test
	void aConditionThatDoesNotCompileIsRefusedNamingIt() {
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.endpoint.list("runs", null, null, null, null, null, null, "event.data.order ==",
					SecurityContext.NONE))
			.withMessageStartingWith("condition: ");
	}

	@Test
	void theStatsLastHourEndsAtTheEnginesClock() {
		Instant engineNow = Instant.parse("2030-01-01T12:00:00Z");
		InngestEndpoint endpoint = new InngestEndpoint(this.registry::registry, this.runStore, this.stepStore,
				this.runs, Show.ALWAYS, Set.of(), Clock.fixed(engineNow, ZoneOffset.UTC));
		RunStats stats = (RunStats) endpoint.list("stats", null, null, null, null, null, null, null,
				SecurityContext.NONE);
		assertThat(stats.to()).isEqualTo(engineNow);
		assertThat(stats.from()).isEqualTo(engineNow.minusSeconds(3600));
	}

	@Test
	void aConditionIsRefusedToThoseNotShownTheValuesItReads() {
		InngestEndpoint hiding = new InngestEndpoint(this.registry::registry, this.runStore, this.stepStore, this.runs,
				Show.NEVER, Set.of());
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> hiding.list("runs", null, null, null, null, null, null, "event.data.order == 'o-1'",
					SecurityContext.NONE))
			.withMessage("condition reads the runs' events, which are not shown to you "
					+ "(management.endpoint.inngest.show-values)");
		assertThat(hiding.list("runs", null, null, null, null, 1, null, null, SecurityContext.NONE)).isNotNull();
	}

	@Test
	void runIsCancelledAndBulkCancellationPreviewedStartedAndListed() {
		Instant from = Instant.now();
		String first = this.probe.awaitRunId(send("test/reminder.created", Map.of("reminderId", "e1-" + this.key)),
				"reminder");
		String second = this.probe.awaitRunId(send("test/reminder.created", Map.of("reminderId", "e2-" + this.key)),
				"reminder");
		this.probe.awaitStatus(first, RunStatus.SLEEPING);
		this.probe.awaitStatus(second, RunStatus.SLEEPING);
		CancelResult result = (CancelResult) this.endpoint.cancel("runs", first);
		assertThat(result.cancelled()).isTrue();
		String to = Instant.now().toString();
		String condition = "event.data.key == '" + this.key + "'";
		assertThat(this.endpoint.bulkCancel("cancellations", "reminder", from.toString(), to, condition, null, true))
			.isEqualTo(Map.of("functionId", "reminder", "matching", 1L, "complete", true));
		BulkCancellation bulk = (BulkCancellation) this.endpoint.bulkCancel("cancellations", "reminder",
				from.toString(), to, condition, "from the endpoint", null);
		this.probe.awaitStatus(second, RunStatus.CANCELLED);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> ((BulkCancellation) this.endpoint.detail("cancellations", bulk.id(), SecurityContext.NONE))
				.state() == BulkCancellation.State.COMPLETED);
		assertThat(this.endpoint.cancel("runs", "no-such-run")).isNull();
	}

	@Test
	void healthIsUpWithTheBacklog() {
		Health health = this.health.health(true);
		assertThat(health.getStatus().getCode()).isEqualTo("UP");
		assertThat(health.getDetails()).containsEntry("engine", "running")
			.containsKeys("backlog", "oldestDueAt", "lag", "expiredLeases");
	}

}
