package dev.durable.inngest.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;

import dev.durable.inngest.BulkReplay;
import dev.durable.inngest.BulkReplayRequest;
import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.MatchCount;
import dev.durable.inngest.NoMatchingRunsException;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunView;
import dev.durable.inngest.engine.store.RunRecord;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Reruns and bulk replays through {@link InngestRuns}, on the real engine and H2.
 */
@SpringBootTest(classes = EngineTestApplication.class)
class ReplayTests {

	@Autowired
	InngestClient inngest;

	@Autowired
	InngestRuns runs;

	@Autowired
	RunProbe probe;

	@Autowired
	Executions executions;

	private final String key = UUID.randomUUID().toString();

	private RunRecord charge(boolean decline) {
		Event event = Event.of("test/charge", Map.of("key", this.key, "decline", decline));
		return this.probe.awaitEnded(this.inngest.send(event).get(0), "charge-order");
	}

	@Test
	void anEndedRunIsRunAgainWithItsEventAndLinkedBothWays() {
		RunRecord failed = charge(true);
		assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
		RunView rerun = this.runs.rerun(failed.id());
		assertThat(rerun.id()).isNotEqualTo(failed.id());
		assertThat(rerun.functionId()).isEqualTo("charge-order");
		assertThat(rerun.event().id()).isEqualTo(failed.event().id());
		assertThat(rerun.rerunOf()).isEqualTo(failed.id());
		RunRecord ended = this.probe.awaitEnded(rerun.id(), Duration.ofSeconds(10));
		assertThat(ended.status()).isEqualTo(RunStatus.FAILED);
		assertThat(this.runs.find(failed.id()).orElseThrow().reruns()).containsExactly(rerun.id());
		assertThat(this.runs.find(rerun.id()).orElseThrow().rerunOf()).isEqualTo(failed.id());
		// The body ran once for each run.
		assertThat(this.executions.count(this.key, "charge")).isEqualTo(2);
	}

	@Test
	void aRunThatHasNotEndedOrDoesNotExistIsNotRerun() {
		String sleeping = this.probe.startSleepingReminder(this.inngest, this.key);
		assertThatIllegalStateException().isThrownBy(() -> this.runs.rerun(sleeping))
			.withMessageContaining("only a run that has ended");
		assertThatExceptionOfType(NoSuchElementException.class)
			.isThrownBy(() -> this.runs.rerun("01NOSUCHRUN0000000000000000"));
		this.runs.cancel(sleeping);
	}

	@Test
	void aBulkReplayRerunsExactlyTheFailedRunsOfItsRangeAndCondition() {
		Instant from = Instant.now().minusMillis(1);
		List<String> failed = new ArrayList<>();
		List<String> completed = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			RunRecord run = charge(i % 2 == 0);
			(run.status() == RunStatus.FAILED ? failed : completed).add(run.id());
		}
		assertThat(failed).hasSize(3);
		BulkReplayRequest request = new BulkReplayRequest("again", "charge-order", from, Instant.now().plusSeconds(60),
				"event.data.key == '" + this.key + "'");
		assertThat(this.runs.previewReplayAll(request)).isEqualTo(new MatchCount(3, true));
		BulkReplay replay = this.runs.replayAll(request);
		assertThat(replay.matched()).isEqualTo(3);
		assertThat(replay.statuses()).containsExactly(RunStatus.FAILED);
		assertThat(replay.startedBefore()).isBeforeOrEqualTo(Instant.now());
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.runs.findReplay(replay.id()).orElseThrow().state() == BulkReplay.State.COMPLETED);
		BulkReplay done = this.runs.findReplay(replay.id()).orElseThrow();
		assertThat(done.replayed()).isEqualTo(3);
		for (String runId : failed) {
			List<String> reruns = this.runs.find(runId).orElseThrow().reruns();
			assertThat(reruns).hasSize(1);
			assertThat(this.runs.find(reruns.get(0)).orElseThrow().rerunOf()).isEqualTo(runId);
		}
		for (String runId : completed) {
			assertThat(this.runs.find(runId).orElseThrow().reruns()).isEmpty();
		}
		assertThat(this.runs.replays(100, null)).extracting(BulkReplay::id).contains(replay.id());
		// The runs it started are after its range: a second replay of the range finds
		// the same three.
		assertThat(this.runs.previewReplayAll(new BulkReplayRequest(null, "charge-order", from, replay.startedBefore(),
				"event.data.key == '" + this.key + "'")))
			.isEqualTo(new MatchCount(3, true));
	}

	@Test
	void bulkReplaysAreListedAtMostAHundredToAPage() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.runs.replays(0, null))
			.withMessage("limit must be between 1 and 100, but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> this.runs.replays(101, null))
			.withMessage("limit must be between 1 and 100, but was 101");
	}

	@Test
	void aBulkReplayCanTakeCancelledRunsAndBeStopped() {
		Instant from = Instant.now().minusMillis(1);
		String sleeping = this.probe.startSleepingReminder(this.inngest, this.key);
		this.runs.cancel(sleeping);
		BulkReplayRequest failedOnly = new BulkReplayRequest(null, "reminder", from, Instant.now().plusSeconds(1),
				"event.data.key == '" + this.key + "'");
		assertThatExceptionOfType(NoMatchingRunsException.class).isThrownBy(() -> this.runs.replayAll(failedOnly))
			.withMessageContaining("nothing to replay");
		BulkReplayRequest cancelled = new BulkReplayRequest("cancelled", "reminder", from, Instant.now().plusSeconds(1),
				"event.data.key == '" + this.key + "'", Set.of(RunStatus.CANCELLED));
		assertThat(this.runs.previewReplayAll(cancelled).matching()).isEqualTo(1);
		BulkReplay replay = this.runs.replayAll(cancelled);
		BulkReplay stopped = this.runs.stopReplay(replay.id());
		assertThat(stopped.state()).isIn(BulkReplay.State.STOPPED, BulkReplay.State.COMPLETED);
		assertThatExceptionOfType(NoSuchElementException.class).isThrownBy(() -> this.runs.stopReplay("no-such"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.runs.replayAll(
					new BulkReplayRequest(null, "reminder", from, Instant.now(), null, Set.of(RunStatus.COMPLETED))))
			.withMessageContaining("FAILED or CANCELLED");
		this.runs.find(sleeping).orElseThrow().reruns().forEach((rerun) -> this.runs.cancel(rerun));
	}

}
