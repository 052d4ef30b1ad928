package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Decides how many of the runs created here are created leased to this instance and held
 * for its workers, and gives back those that no worker here started in time, so that any
 * instance may claim them; on the {@link RunScheduler}'s poller, every {@link #TICK}.
 */
final class HeldRunHandOff {

	private static final Log logger = LogFactory.getLog(HeldRunHandOff.class);

	/**
	 * How often the runs ended are counted, and held runs waiting too long given back.
	 */
	static final Duration TICK = Duration.ofMillis(50);

	private final LeasedRuns executing;

	private final RunExecutor executor;

	private final RunQueue queue;

	private final WorkerPool workers;

	private final Clock clock;

	private final Duration hold;

	/**
	 * Creates the hand-off.
	 * @param hold how long a run created leased is held for a worker here before it is
	 * given back
	 */
	HeldRunHandOff(LeasedRuns executing, RunExecutor executor, RunQueue queue, WorkerPool workers, Clock clock,
			Duration hold) {
		this.executing = executing;
		this.executor = executor;
		this.queue = queue;
		this.workers = workers;
		this.clock = clock;
		this.hold = hold;
	}

	/** Starts holding runs for the workers here. */
	void start() {
		// Free workers start runs at once; busy ones as fast as they ended runs lately:
		// as many as they ended in half the hold while they worked, so that they start
		// those they hold within it. Idle time tells nothing of how fast they are.
		RecentCounts ended = this.workers.ended();
		ended.reset((int) Math.max(1, this.hold.dividedBy(2).toMillis() / TICK.toMillis()));
		int size = this.workers.size();
		this.executing.holdWithin(() -> size - this.workers.busy() + ended.total());
	}

	/** Holds no more runs created here. */
	void stop() {
		this.executing.holdWithin(null);
	}

	void tick() {
		this.workers.ended().next(this.workers.busy() == 0);
		// Queued again here too, for a claim: a run taken meanwhile from the queue, found
		// held no longer, was dropped from it.
		this.queue.offerPolled(giveBack(this.clock.instant().minus(this.hold)));
	}

	/**
	 * Gives back the runs created leased to this instance that no worker here started by
	 * a time, so that any instance may claim them: this one is busy, or stopping.
	 * @param createdBy the latest creation time of the runs to give back
	 * @return the ids of the runs given back
	 */
	Set<String> giveBack(Instant createdBy) {
		List<RunExecutor.Claim> held = this.executing.takeHeldCreatedBy(createdBy);
		if (held.isEmpty()) {
			return Set.of();
		}
		try {
			Set<String> givenBack = this.executor.giveBack(held);
			if (logger.isDebugEnabled()) {
				logger.debug("Gave back " + givenBack.size() + " runs created here that no worker here started");
			}
			return givenBack;
		}
		catch (RuntimeException ex) {
			logger.warn("Could not give back " + held.size() + " runs created here that no worker here started; "
					+ "they are resumed once their leases expire", ex);
			return Set.of();
		}
	}

}
