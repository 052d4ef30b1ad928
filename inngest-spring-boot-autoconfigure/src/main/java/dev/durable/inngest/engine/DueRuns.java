package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;

/**
 * Executes the runs due now on the caller's thread, in place of the
 * {@link RunScheduler}'s threads: for callers that drive the engine themselves and must
 * know when its work is done, such as tests that move the engine's clock. Use it with the
 * scheduler not started ({@code inngest.local.auto-startup=false}); beside running
 * workers, a run may be executed by either.
 */
public final class DueRuns {

	/** The most runs one round claims, so that a round stays bounded. */
	private static final int ROUND_LIMIT = 1000;

	private final RunStore runs;

	private final RunExecutor executor;

	private final CronScheduler crons;

	private final BulkCancellations bulkCancellations;

	private final Clock clock;

	private final RunReplays replays;

	/**
	 * Creates the driver of due runs.
	 * @param runs the run store, asked for due runs
	 * @param executor claims and executes them
	 * @param crons fires the cron ticks that are due
	 * @param bulkCancellations processes the bulk cancellations under way
	 * @param replays processes the bulk replays under way
	 * @param clock the engine's clock, which says what is due
	 */
	public DueRuns(RunStore runs, RunExecutor executor, CronScheduler crons, BulkCancellations bulkCancellations,
			RunReplays replays, Clock clock) {
		this.runs = runs;
		this.executor = executor;
		this.crons = crons;
		this.bulkCancellations = bulkCancellations;
		this.replays = replays;
		this.clock = clock;
	}

	/**
	 * Registers the functions' cron schedules, as the scheduler does when it starts.
	 */
	public void registerCrons() {
		this.crons.register();
	}

	/**
	 * One round of the engine's work at the clock's current time, on the caller's thread:
	 * fires the cron ticks that are due and the bulk cancellations' and replays' next
	 * batches, cancels the runs queued past their start timeout or executing past their
	 * finish timeout, then claims every run that is due and executes each in turn, to its
	 * end or its next suspension. Runs made due by this round (a resumed wait, an
	 * immediate retry, a run started by an event a step sent) are left to the next.
	 * @return how many runs were executed
	 */
	public int executeRound() {
		this.crons.fireDue();
		this.bulkCancellations.process();
		this.replays.process();
		this.executor.cancelPastTimeouts();
		List<String> due = this.runs.findDue(this.clock.instant(), ROUND_LIMIT, this.executor.functionIds());
		if (due.isEmpty()) {
			return 0;
		}
		List<RunExecutor.Claim> claims = this.executor.claim(due);
		for (RunExecutor.Claim claim : claims) {
			this.executor.execute(claim);
		}
		return claims.size();
	}

	/**
	 * When the next run this application executes falls due, or the next cron tick that
	 * starts one, if one does by the given instant: where a caller moving the clock stops
	 * next.
	 * @param by the latest instant of interest
	 * @return the earliest due instant, or empty if nothing is due by then
	 */
	public Optional<Instant> nextDueBy(Instant by) {
		// The store finds the longest due first: the first run still due is the earliest,
		// so the others are not read.
		Optional<Instant> run = this.runs.findDue(by, ROUND_LIMIT, this.executor.functionIds())
			.stream()
			.map(this.runs::find)
			.flatMap(Optional::stream)
			.map(RunRecord::dueAt)
			.filter(Objects::nonNull)
			.findFirst();
		return Stream.of(run, this.crons.nextTickBy(by)).flatMap(Optional::stream).min(Comparator.naturalOrder());
	}

}
