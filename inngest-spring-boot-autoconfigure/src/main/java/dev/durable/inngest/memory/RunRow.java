package dev.durable.inngest.memory;

import java.time.Instant;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunView;
import dev.durable.inngest.engine.store.StepRecord;
import org.jspecify.annotations.Nullable;

/**
 * A run as stored, with its lease and the step it completed with, as the columns of
 * {@code inngest_run} hold it. A stored row is never changed: a change is made to a
 * {@link #copy()} that replaces it.
 */
final class RunRow {

	String id;

	String functionId;

	String eventId;

	RunStatus status;

	int attempt;

	@Nullable Instant dueAt;

	@Nullable String lease;

	Instant createdAt;

	@Nullable Instant startedAt;

	@Nullable Instant endedAt;

	@Nullable String output;

	@Nullable ErrorInfo error;

	RunView.@Nullable Cancellation cancellation;

	/**
	 * The step the run completed with, kept with the run rather than in a row of its own.
	 */
	@Nullable StepRecord lastStep;

	RunRow(String id, String functionId, String eventId, RunStatus status, Instant createdAt) {
		this.id = id;
		this.functionId = functionId;
		this.eventId = eventId;
		this.status = status;
		this.createdAt = createdAt;
	}

	RunRow copy() {
		RunRow copy = new RunRow(this.id, this.functionId, this.eventId, this.status, this.createdAt);
		copy.attempt = this.attempt;
		copy.dueAt = this.dueAt;
		copy.lease = this.lease;
		copy.startedAt = this.startedAt;
		copy.endedAt = this.endedAt;
		copy.output = this.output;
		copy.error = this.error;
		copy.cancellation = this.cancellation;
		copy.lastStep = this.lastStep;
		return copy;
	}

	/**
	 * Whether the run is held by a worker under a lease, whether or not the lease
	 * expired.
	 */
	boolean heldUnder(String lease) {
		return this.status == RunStatus.RUNNING && lease.equals(this.lease);
	}

	boolean ended() {
		return this.status.isFinal();
	}

}
