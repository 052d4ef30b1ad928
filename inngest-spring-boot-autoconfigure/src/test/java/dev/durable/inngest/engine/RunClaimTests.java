package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.durable.inngest.Event;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's claim of due runs, which takes the runs and reads them with their events in
 * one statement, on H2 and on PostgreSQL.
 */
@SpringBootTest(classes = EngineTestApplication.class)
class RunClaimTests {

	@Autowired
	EventStore events;

	@Autowired
	RunStore runs;

	@Autowired
	RunScheduler engine;

	private final Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);

	@BeforeEach
	void stopEngine() {
		// The runs below belong to no function: the test claims them, not the engine.
		this.engine.stop();
	}

	@AfterEach
	void startEngine() {
		this.engine.start();
	}

	private List<String> queued(int count, Event event) {
		return QueuedRuns.queue(this.events, this.runs, event, "claim-test", count, this.now);
	}

	private List<RunRecord> claim(List<String> runIds, String lease) {
		return this.runs.claim(runIds, lease, this.now, this.now.plus(Duration.ofMinutes(1)));
	}

	@Test
	void claimsEachDueRunOnceWithItsEventWhateverHowManyAreAsked() {
		Event event = Event.of("test/claimed", Map.of("order", 42))
			.withId(UUID.randomUUID().toString())
			.withTs(this.now.toEpochMilli());
		List<String> ids = queued(11, event);

		List<RunRecord> first = claim(ids.subList(0, 3), "lease-1");
		assertThat(first).extracting(RunRecord::id).containsExactlyInAnyOrderElementsOf(ids.subList(0, 3));

		// More ids than one batch, one asked twice and one that does not exist: each due
		// run once.
		List<String> asked = new ArrayList<>(ids);
		asked.add(ids.get(5));
		asked.add("no-such-run");
		List<RunRecord> rest = claim(asked, "lease-2");
		assertThat(rest).extracting(RunRecord::id).containsExactlyInAnyOrderElementsOf(ids.subList(3, 11));
		assertThat(rest).allSatisfy((run) -> {
			assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
			assertThat(run.startedAt()).isEqualTo(this.now);
			assertThat(run.event().name()).isEqualTo("test/claimed");
			assertThat(run.event().data()).containsEntry("order", 42);
			assertThat(run.event().id()).isEqualTo(event.id());
		});

		// Claimed runs are leased, not due: a second claim takes none of them.
		assertThat(claim(ids, "lease-3")).isEmpty();
	}

}
