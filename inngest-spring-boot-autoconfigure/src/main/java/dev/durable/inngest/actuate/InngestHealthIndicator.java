package dev.durable.inngest.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.RunStore.Backlog;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.SmartLifecycle;

/**
 * The engine's health: {@code UP} while the engine runs and its database answers, with
 * the backlog (runs due and not taken), how long the oldest of them has waited, how many
 * runs are held under an expired lease (their worker died; another takes them over), and
 * the runs that have not ended of functions this application does not declare, by
 * function (they wait for an instance that declares them, and count in the backlog once
 * due).
 */
public class InngestHealthIndicator extends AbstractHealthIndicator {

	private final SmartLifecycle engine;

	private final RunStore runs;

	private final Supplier<Map<String, Long>> undeclared;

	private final Clock clock;

	/**
	 * Creates the indicator.
	 * @param engine the engine
	 * @param runs the run store
	 * @param undeclared the runs that have not ended of functions this application does
	 * not declare, counted by function id
	 * @param clock the clock
	 */
	public InngestHealthIndicator(SmartLifecycle engine, RunStore runs, Supplier<Map<String, Long>> undeclared,
			Clock clock) {
		super("Durable function engine health check failed");
		this.engine = engine;
		this.runs = runs;
		this.undeclared = undeclared;
		this.clock = clock;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Instant now = this.clock.instant();
		Backlog backlog = this.runs.backlog(now);
		builder.status(this.engine.isRunning() ? "UP" : "DOWN")
			.withDetail("engine", this.engine.isRunning() ? "running" : "stopped")
			.withDetail("backlog", backlog.due())
			.withDetail("oldestDueAt", (backlog.oldestDueAt() != null) ? backlog.oldestDueAt().toString() : "none")
			.withDetail("lag",
					(backlog.oldestDueAt() != null) ? Duration.between(backlog.oldestDueAt(), now).toString()
							: Duration.ZERO.toString())
			.withDetail("expiredLeases", backlog.expiredLeases())
			.withDetail("undeclaredFunctions", this.undeclared.get());
	}

}
