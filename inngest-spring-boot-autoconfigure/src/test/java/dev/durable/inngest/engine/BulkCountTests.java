package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.durable.inngest.BulkCancelRequest;
import dev.durable.inngest.BulkCancellation;
import dev.durable.inngest.Event;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.MatchCount;
import dev.durable.inngest.RunPage;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunView;
import dev.durable.inngest.engine.store.CancellationStore;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.NewRun;
import dev.durable.inngest.engine.store.ReplayStore;
import dev.durable.inngest.engine.store.RunStatsStore;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.function.FunctionDiscoverer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Counting the runs a bulk cancellation matches within its budget, on the real engine and
 * its store: a count that runs out answers with a lower bound, and a cancellation starts
 * without every run counted. A search of runs by the same condition keeps to the same
 * budget, a page at a time.
 */
@SpringBootTest(classes = EngineTestApplication.class)
class BulkCountTests {

	/**
	 * More runs than one batch of the count, so a count that stops early has some left.
	 */
	private static final int RUNS = 250;

	/** Of every few runs, one matches the condition. */
	private static final int EVERY = 5;

	private static final int MATCHING = RUNS / EVERY;

	@Autowired
	RunStore runs;

	@Autowired
	EventStore events;

	@Autowired
	Ids ids;

	@Autowired
	ExpressionCache expressions;

	@Autowired
	CancellationStore cancellations;

	@Autowired
	FunctionDiscoverer functions;

	@Autowired
	RunCanceller canceller;

	@Autowired
	InngestRuns inngestRuns;

	@Autowired
	JsonCodec json;

	@Autowired
	ReplayStore replayStore;

	@Autowired
	RunReplays replays;

	@Autowired
	StepStore steps;

	@Autowired
	RunStatsStore stats;

	private final String key = UUID.randomUUID().toString();

	private BulkCancelRequest request;

	@BeforeEach
	void sleepingRuns() {
		// To the microsecond, as the stores keep the runs' times: a run created within
		// the
		// same microsecond would otherwise be stored as created before it.
		Instant from = Instant.now().truncatedTo(ChronoUnit.MICROS);
		List<NewRun> created = new ArrayList<>();
		List<Event> triggers = new ArrayList<>();
		for (int i = 0; i < RUNS; i++) {
			Instant now = Instant.now();
			Event event = new Event("test/reminder.created", Map.of("key", this.key, "gold", i % EVERY == 0), null,
					this.ids.next(now), now.toEpochMilli(), null);
			triggers.add(event);
			created.add(new NewRun(this.ids.next(now), "reminder", event.id(), now, "held", now.plusSeconds(60)));
		}
		this.events.insert(triggers, Instant.now());
		this.runs.create(created);
		// Asleep for long, so that the engine leaves them alone while they are counted.
		for (NewRun run : created) {
			this.runs.suspend(run.id(), "held", RunStatus.SLEEPING, Instant.now().plus(Duration.ofHours(1)), 0);
		}
		this.request = new BulkCancelRequest("gold reminders", "reminder", from, Instant.now().plusMillis(1),
				"event.data.key == '" + this.key + "' && event.data.gold");
	}

	private BulkCancellations within(Duration timeout, Long maxScanned) {
		return new BulkCancellations(this.runs, Clock.systemUTC(), this.ids, this.expressions, this.cancellations,
				this.functions::registry, this.canceller, InputLimits.DEFAULTS,
				new BulkCancellations.CountBudget(timeout, maxScanned));
	}

	@Test
	void aCountWithinALargeBudgetIsExact() {
		assertThat(within(Duration.ofMinutes(5), null).countMatching(this.request))
			.isEqualTo(new MatchCount(MATCHING, true));
		assertThat(this.inngestRuns.previewCancelAll(this.request)).isEqualTo(new MatchCount(MATCHING, true));
		assertThat(this.inngestRuns.countMatching(this.request)).isEqualTo(MATCHING);
	}

	@Test
	void aCountOutOfTimeIsALowerBound() {
		MatchCount count = within(Duration.ofNanos(1), null).countMatching(this.request);
		assertThat(count.complete()).isFalse();
		assertThat(count.matching()).isBetween(0L, (long) MATCHING);
	}

	@Test
	void aCountOverMoreRunsThanItMayLookAtIsALowerBound() {
		MatchCount count = within(Duration.ofMinutes(5), 120L).countMatching(this.request);
		assertThat(count.complete()).isFalse();
		assertThat(count.matching()).isBetween(0L, (long) MATCHING);
		assertThat(within(Duration.ofMinutes(5), 120L).countMatching(everyRun())).isEqualTo(new MatchCount(120, false));
	}

	/** The same runs, every one of them matching. */
	private BulkCancelRequest everyRun() {
		return new BulkCancelRequest("reminders", "reminder", this.request.startedAfter(), this.request.startedBefore(),
				"event.data.key == '" + this.key + "'");
	}

	@Test
	void aCountThatMayLookAtEveryRunIsExact() {
		// A limit the count does not reach. Engines of other test classes share the
		// PostgreSQL database and may have runs of the same function in the range, which
		// the count looks at too.
		assertThat(within(Duration.ofMinutes(5), 2L * RUNS).countMatching(this.request))
			.isEqualTo(new MatchCount(MATCHING, true));
	}

	@Test
	void aCountOnAnInterruptedThreadStops() {
		Thread.currentThread().interrupt();
		try {
			MatchCount count = within(Duration.ofMinutes(5), null).countMatching(this.request);
			assertThat(count.complete()).isFalse();
			assertThat(count.matching()).isLessThanOrEqualTo(MATCHING);
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
	}

	@Test
	void aSearchOfRunsByConditionFindsEveryMatchNewestFirst() {
		List<RunView> found = searchAll(this.inngestRuns, 7);
		assertThat(found).hasSize(MATCHING)
			.allSatisfy((run) -> assertThat(run.event().data()).containsEntry("gold", true))
			.extracting(RunView::id)
			.doesNotHaveDuplicates()
			.isSortedAccordingTo(Comparator.reverseOrder());
	}

	@Test
	void aSearchWithinItsBudgetAnswersWithWhatItFoundAndWhereToGoOn() {
		InngestRuns searching = new EngineInngestRuns(this.runs, this.cancellations, this.canceller,
				within(Duration.ofMinutes(5), 120L), this.json, this.replayStore, this.replays, this.steps,
				this.functions::registry, this.stats, this.events);
		RunPage first = searching.list(query(RunQuery.MAX_LIMIT, null));
		// 120 runs read, a fifth of them matching: a short page, with a cursor.
		assertThat(first.runs()).hasSizeLessThan(RunQuery.MAX_LIMIT);
		assertThat(first.nextCursor()).isNotNull();
		assertThat(searchAll(searching, RunQuery.MAX_LIMIT)).hasSize(MATCHING)
			.extracting(RunView::id)
			.doesNotHaveDuplicates();
	}

	@Test
	void aSearchWithAConditionThatDoesNotCompileIsRefusedNamingIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.inngestRuns.list(RunQuery.all(10).withCondition("event.data.gold ==")))
			.withMessageStartingWith("condition: ");
	}

	private RunQuery query(int limit, String cursor) {
		return new RunQuery("reminder", null, this.request.startedAfter(), this.request.startedBefore(), limit, cursor,
				this.request.condition());
	}

	private List<RunView> searchAll(InngestRuns runs, int limit) {
		List<RunView> found = new ArrayList<>();
		String cursor = null;
		do {
			RunPage page = runs.list(query(limit, cursor));
			assertThat(page.runs()).hasSizeLessThanOrEqualTo(limit);
			found.addAll(page.runs());
			cursor = page.nextCursor();
		}
		while (cursor != null);
		return found;
	}

	@Test
	void aCancellationStartsOnAPartialCountAndRaisesItAsItCancels() {
		BulkCancellation started = within(Duration.ofMinutes(5), 60L).start(everyRun());
		assertThat(started.matched()).isEqualTo(60);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.inngestRuns.findCancellation(started.id())
				.orElseThrow()
				.state() == BulkCancellation.State.COMPLETED);
		BulkCancellation completed = this.inngestRuns.findCancellation(started.id()).orElseThrow();
		assertThat(completed.cancelled()).isEqualTo(RUNS);
		assertThat(completed.matched()).isEqualTo(RUNS);
		assertThat(within(Duration.ofMinutes(5), null).countMatching(everyRun())).isEqualTo(new MatchCount(0, true));
	}

	@Test
	void aCancellationWhoseCountRanOutBeforeAMatchStillStarts() {
		BulkCancellation started = within(Duration.ofNanos(1), null).start(this.request);
		assertThat(started.matched()).isZero();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.inngestRuns.findCancellation(started.id())
				.orElseThrow()
				.state() == BulkCancellation.State.COMPLETED);
		assertThat(this.inngestRuns.findCancellation(started.id()).orElseThrow().matched()).isEqualTo(MATCHING);
	}

}
