package dev.durable.inngest.engine.store;

import java.time.Instant;

import dev.durable.inngest.RunStatus;
import org.jspecify.annotations.Nullable;

/**
 * A run to create: queued and due at once, or already leased to the instance that creates
 * it, so that one of its workers starts it without claiming it first.
 *
 * @param id the run id: an id made of {@code createdAt} ({@code Ids.next(Instant)}),
 * which a store may rely on to find runs created in a time range by their ids
 * @param functionId the function id
 * @param eventId the trigger event's id
 * @param createdAt when it is created
 * @param lease the lease token of a run created leased, started at {@code createdAt}; or
 * {@code null} for a queued run
 * @param leaseUntil when the lease of a run created leased expires unless renewed; or
 * {@code null} for a queued run
 */
public record NewRun(String id, String functionId, String eventId, Instant createdAt, @Nullable String lease,
		@Nullable Instant leaseUntil) {

	/**
	 * Creates a run that is queued and due at once.
	 * @param id the run id
	 * @param functionId the function id
	 * @param eventId the trigger event's id
	 * @param createdAt when it is created
	 */
	public NewRun(String id, String functionId, String eventId, Instant createdAt) {
		this(id, functionId, eventId, createdAt, null, null);
	}

	/**
	 * Whether the run is created leased rather than queued.
	 * @return {@code true} if it has a lease
	 */
	public boolean leased() {
		return this.lease != null;
	}

	/**
	 * The status the run is created with.
	 * @return {@link RunStatus#RUNNING} if it is created leased, otherwise
	 * {@link RunStatus#QUEUED}
	 */
	public RunStatus status() {
		return leased() ? RunStatus.RUNNING : RunStatus.QUEUED;
	}

	/**
	 * When the run is due: at once if queued, when its lease expires if leased.
	 * @return its due time
	 */
	public Instant dueAt() {
		Instant until = this.leaseUntil;
		return (leased() && until != null) ? until : this.createdAt;
	}

	/**
	 * When the run started: at its creation if leased.
	 * @return its start, or {@code null} for a queued run
	 */
	public @Nullable Instant startedAt() {
		return leased() ? this.createdAt : null;
	}

}
