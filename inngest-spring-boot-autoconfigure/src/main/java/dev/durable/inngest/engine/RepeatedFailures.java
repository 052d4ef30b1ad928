package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

/**
 * The log of a task the engine repeats in the background, such as polling for due runs,
 * while it fails: the first failure at warning level with its stack, then one line a
 * minute at most while it keeps failing (every failure's stack at debug level), and a
 * line once it succeeds again. A database that is down for a minute then logs a handful
 * of lines rather than a stack at every poll.
 */
final class RepeatedFailures {

	/** How often a task that keeps failing is logged again. */
	static final Duration REMINDER = Duration.ofMinutes(1);

	private final Log logger;

	private final String task;

	private final Clock clock;

	private @Nullable Instant failingSince;

	private @Nullable Instant lastLogged;

	private long failures;

	/**
	 * Creates the log of a task.
	 * @param logger where to log
	 * @param task what the task does, as in "Polling for due runs"
	 * @param clock the time, for how long it has been failing
	 */
	RepeatedFailures(Log logger, String task, Clock clock) {
		this.logger = logger;
		this.task = task;
		this.clock = clock;
	}

	/**
	 * Logs a failure of the task.
	 * @param failure what it failed with
	 * @param retry when it is tried again, as in "in PT1S"
	 */
	synchronized void failed(RuntimeException failure, String retry) {
		Instant now = this.clock.instant();
		this.failures++;
		if (this.failingSince == null) {
			this.failingSince = now;
			this.lastLogged = now;
			this.logger.warn(this.task + " failed; trying again " + retry
					+ " (further failures are logged once a minute until it succeeds)", failure);
			return;
		}
		if (this.lastLogged != null && Duration.between(this.lastLogged, now).compareTo(REMINDER) >= 0) {
			this.lastLogged = now;
			this.logger.warn(this.task + " is still failing, " + this.failures + " times since " + this.failingSince
					+ ": " + failure);
		}
		else if (this.logger.isDebugEnabled()) {
			this.logger.debug(this.task + " failed again", failure);
		}
	}

	/**
	 * Notes that the task succeeded, logging so if it had been failing.
	 */
	synchronized void succeeded() {
		if (this.failingSince == null) {
			return;
		}
		this.logger
			.info(this.task + " succeeds again, after " + this.failures + " failures since " + this.failingSince);
		this.failingSince = null;
		this.lastLogged = null;
		this.failures = 0;
	}

}
