package dev.durable.inngest.engine;

import java.time.Instant;
import java.util.List;

import dev.durable.inngest.Event;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.RunRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * The runs held for this instance's workers: how many may be held, taken once, forgotten
 * when stopped, and given back by age.
 */
class LeasedRunsTests {

	private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	private final LeasedRuns executing = new LeasedRuns();

	private RunExecutor.Claim held(String runId, Instant createdAt) {
		RunRecord run = new RunRecord(runId, "f", Event.of("e").withId("event-" + runId), RunStatus.RUNNING, 0,
				createdAt, createdAt, null, createdAt.plusSeconds(30), null, null, null);
		return new RunExecutor.Claim(run, "lease", true);
	}

	@Test
	void holdsNothingUntilGivenACapacityAndThenAsManyAsItLeaves() {
		assertThat(this.executing.holdable()).isZero();
		this.executing.holdWithin(() -> 3);
		assertThat(this.executing.holdable()).isEqualTo(3);
		this.executing.hold(List.of(held("a", T0), held("b", T0)));
		assertThat(this.executing.holdable()).isEqualTo(1);
		this.executing.hold(List.of(held("c", T0), held("d", T0)));
		assertThat(this.executing.holdable()).isZero();
		this.executing.holdWithin(null);
		assertThat(this.executing.holdable()).isZero();
	}

	@Test
	void aHeldRunIsTakenOnceAndOnlyWhileItIsYoungEnough() {
		RunExecutor.Claim claim = held("a", T0);
		this.executing.hold(List.of(claim));

		assertThat(this.executing.takeHeld("a", T0)).isNull();
		assertThat(this.executing.heldRuns()).extracting(RunRecord::id).containsExactly("a");
		assertThat(this.executing.takeHeld("a", T0.minusMillis(1))).isSameAs(claim);
		assertThat(this.executing.takeHeld("a", T0.minusMillis(1))).isNull();
		assertThat(this.executing.takeHeld("unknown", T0.minusMillis(1))).isNull();
	}

	@Test
	void stoppingARunForgetsItIfHeld() {
		this.executing.hold(List.of(held("a", T0), held("b", T0)));

		this.executing.stop(List.of("a"));

		assertThat(this.executing.takeHeld("a", T0.minusMillis(1))).isNull();
		assertThat(this.executing.heldRuns()).extracting(RunRecord::id).containsExactly("b");
	}

	@Test
	void takesForGivingBackTheRunsCreatedByATime() {
		this.executing.hold(List.of(held("old", T0), held("new", T0.plusSeconds(1))));

		assertThat(this.executing.takeHeldCreatedBy(T0)).extracting((claim) -> claim.run().id()).containsExactly("old");
		assertThat(this.executing.takeHeldCreatedBy(T0)).isEmpty();
		assertThat(this.executing.takeHeldCreatedBy(Instant.MAX)).extracting((claim) -> claim.run().id())
			.containsExactly("new");
		assertThat(this.executing.heldRuns()).isEmpty();
	}

	@Test
	void aRunStoppedOnceClaimedAgainStaysStoppedWhenItsPreviousExecutionEndsMeanwhile() {
		RunExecution previous = execution("a");
		this.executing.started(previous);
		// Suspended and due at once, the run is claimed again before the previous
		// execution has ended; then it is cancelled.
		this.executing.starting(List.of("a"));
		this.executing.stop(List.of("a"));
		this.executing.ended(previous);

		RunExecution next = execution("a");
		this.executing.started(next);
		verify(next).stop();
	}

	private static RunExecution execution(String runId) {
		RunExecution execution = mock(RunExecution.class);
		given(execution.runId()).willReturn(runId);
		return execution;
	}

	@Test
	void leaseTokensAreUnique() {
		assertThat(this.executing.newLease()).isNotEqualTo(this.executing.newLease());
		assertThat(this.executing.newLease()).isNotEqualTo(new LeasedRuns().newLease());
	}

}
