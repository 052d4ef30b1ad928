package dev.durable.inngest.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.engine.store.RunStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Gauges of the work waiting in the store: {@code inngest.queue.backlog}, the runs that
 * are due and not yet claimed, and {@code inngest.queue.lag}, how long the oldest of them
 * has been due, and {@code inngest.leases.expired}, the runs held under a lease that
 * expired. Read from the store at most once per {@code refresh}, however often the
 * registry asks.
 */
public final class BacklogMetrics implements MeterBinder {

	/** The gauge of due runs not yet claimed. */
	public static final String QUEUE_BACKLOG = "inngest.queue.backlog";

	/** The gauge of how long the oldest due run has waited. */
	public static final String QUEUE_LAG = "inngest.queue.lag";

	/** The gauge of runs held under an expired lease: their worker died. */
	public static final String LEASES_EXPIRED = "inngest.leases.expired";

	private final RunStore runs;

	private final Clock clock;

	private final Duration refresh;

	private volatile @Nullable Reading last;

	/**
	 * Creates the gauges.
	 * @param runs the run store
	 * @param clock the clock
	 * @param refresh how long a reading of the store is reused
	 */
	public BacklogMetrics(RunStore runs, Clock clock, Duration refresh) {
		this.runs = runs;
		this.clock = clock;
		this.refresh = refresh;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(QUEUE_BACKLOG, this, (metrics) -> metrics.read().due())
			.description("Runs that are due and not yet claimed by a worker")
			.register(registry);
		TimeGauge.builder(QUEUE_LAG, this, TimeUnit.MILLISECONDS, (metrics) -> metrics.read().lagMillis())
			.description("How long the oldest due run has waited to be claimed")
			.register(registry);
		Gauge.builder(LEASES_EXPIRED, this, (metrics) -> metrics.read().expiredLeases())
			.description("Runs held under an expired lease, whose worker died, until another takes them over")
			.register(registry);
	}

	private Reading read() {
		Instant now = this.clock.instant();
		Reading reading = this.last;
		if (reading == null || reading.at().plus(this.refresh).isBefore(now)) {
			RunStore.Backlog backlog = this.runs.backlog(now);
			long lag = (backlog.oldestDueAt() != null) ? Duration.between(backlog.oldestDueAt(), now).toMillis() : 0;
			reading = new Reading(now, backlog.due(), Math.max(0, lag), backlog.expiredLeases());
			this.last = reading;
		}
		return reading;
	}

	private record Reading(Instant at, long due, long lagMillis, long expiredLeases) {

	}

}
