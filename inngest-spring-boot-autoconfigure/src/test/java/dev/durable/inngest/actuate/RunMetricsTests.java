package dev.durable.inngest.actuate;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.Event;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.RunRecord;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RunMetrics} measured by the engine's clock.
 */
class RunMetricsTests {

	private static final Instant CREATED = Instant.parse("2030-01-01T00:00:00Z");

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void aCancelledRunIsTimedByTheEnginesClock() {
		Clock clock = Clock.fixed(CREATED.plusSeconds(90), ZoneOffset.UTC);
		new RunMetrics(this.registry, clock).cancelled(run());
		Timer duration = this.registry.get(RunMetrics.RUNS_DURATION).tag("status", "cancelled").timer();
		assertThat(duration.count()).isOne();
		assertThat(duration.totalTime(TimeUnit.SECONDS)).isEqualTo(90);
	}

	private static RunRecord run() {
		return new RunRecord("run-1", "f", Event.of("e").withId("event-1"), RunStatus.CANCELLED, 0, CREATED, CREATED,
				null, null, null, null, null);
	}

}
