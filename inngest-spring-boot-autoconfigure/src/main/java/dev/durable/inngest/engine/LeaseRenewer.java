package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import dev.durable.inngest.engine.store.RunStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Renews the leases of the runs executing here, every third of a lease's duration on a
 * thread of the {@link RunScheduler}'s own, and stops those whose lease was lost before
 * their next step.
 */
final class LeaseRenewer {

	private static final Log logger = LogFactory.getLog(LeaseRenewer.class);

	private final RunStore runs;

	private final LeasedRuns executing;

	private final Clock clock;

	private final Duration leaseDuration;

	LeaseRenewer(RunStore runs, LeasedRuns executing, Clock clock, Duration leaseDuration) {
		this.runs = runs;
		this.executing = executing;
		this.clock = clock;
		this.leaseDuration = leaseDuration;
	}

	/** How often the leases are renewed, in milliseconds: a third of their duration. */
	long intervalMillis() {
		return Math.max(1, this.leaseDuration.toMillis() / 3);
	}

	void renew() {
		try {
			Set<String> lost = this.runs.renew(this.executing.leases(), this.clock.instant().plus(this.leaseDuration));
			// Taken over by another instance, or cancelled there: stop before the next
			// step.
			this.executing.stop(lost);
		}
		catch (RuntimeException ex) {
			logger.warn("Renewing the leases of executing runs failed", ex);
		}
	}

}
