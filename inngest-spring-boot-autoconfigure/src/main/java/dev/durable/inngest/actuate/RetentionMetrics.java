package dev.durable.inngest.actuate;

import dev.durable.inngest.engine.RetentionSweeper;
import dev.durable.inngest.engine.store.DeletedRows;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The Micrometer counter {@code inngest.retention.deleted} of the rows the retention
 * deleted, tagged by {@code kind}: {@code runs}, {@code steps}, {@code attempts},
 * {@code waits}, {@code events}, {@code cancellations} and {@code replays}. Each is
 * registered at once, at zero, and counts a batch's rows once the batch is committed.
 */
public final class RetentionMetrics implements RetentionSweeper.Listener {

	/** The counter of deleted rows. */
	public static final String RETENTION_DELETED = "inngest.retention.deleted";

	private final Counter runs;

	private final Counter steps;

	private final Counter attempts;

	private final Counter waits;

	private final Counter events;

	private final Counter cancellations;

	private final Counter replays;

	/**
	 * Creates the counters.
	 * @param registry where they are registered
	 */
	public RetentionMetrics(MeterRegistry registry) {
		this.runs = counter(registry, "runs");
		this.steps = counter(registry, "steps");
		this.attempts = counter(registry, "attempts");
		this.waits = counter(registry, "waits");
		this.events = counter(registry, "events");
		this.cancellations = counter(registry, "cancellations");
		this.replays = counter(registry, "replays");
	}

	@Override
	public void deleted(DeletedRows rows) {
		this.runs.increment(rows.runs());
		this.steps.increment(rows.steps());
		this.attempts.increment(rows.attempts());
		this.waits.increment(rows.waits());
		this.events.increment(rows.events());
		this.cancellations.increment(rows.cancellations());
		this.replays.increment(rows.replays());
	}

	private static Counter counter(MeterRegistry registry, String kind) {
		return Counter.builder(RETENTION_DELETED)
			.description("Rows deleted once older than the retention period, by kind")
			.tag("kind", kind)
			.register(registry);
	}

}
