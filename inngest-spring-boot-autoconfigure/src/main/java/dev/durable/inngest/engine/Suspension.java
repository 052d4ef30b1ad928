package dev.durable.inngest.engine;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Unwinds a function body when its run has been suspended (a sleep, a wait, a step retry)
 * or its lease lost. It is an {@link Error} so that a body catching {@code Exception}
 * around its steps does not swallow it; the run's state is already stored when it is
 * thrown.
 */
final class Suspension extends Error {

	private final @Nullable Instant dueAt;

	private Suspension(String reason, @Nullable Instant dueAt) {
		super(reason, null, false, false);
		this.dueAt = dueAt;
	}

	static Suspension suspended(String runId, @Nullable Instant dueAt) {
		return new Suspension("Run " + runId + " is suspended until " + dueAt, dueAt);
	}

	static Suspension leaseLost(String runId) {
		return new Suspension("The lease of run " + runId + " was lost", null);
	}

	/**
	 * When the run is due again, or {@code null} when its lease was lost.
	 */
	@Nullable Instant dueAt() {
		return this.dueAt;
	}

}
