package dev.durable.inngest.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.engine.store.RunStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * The backlog gauges read what the run store counts, once per refresh for all of them.
 */
class BacklogMetricsTests {

	private final Instant now = Instant.parse("2026-12-07T10:00:00Z");

	@Test
	void theGaugesShowTheStoresBacklogReadOncePerRefresh() {
		RunStore runs = mock(RunStore.class);
		given(runs.backlog(this.now)).willReturn(new RunStore.Backlog(7, this.now.minusSeconds(3), 2));
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new BacklogMetrics(runs, Clock.fixed(this.now, ZoneOffset.UTC), Duration.ofSeconds(1)).bindTo(registry);
		assertThat(registry.get(BacklogMetrics.QUEUE_BACKLOG).gauge().value()).isEqualTo(7);
		assertThat(registry.get(BacklogMetrics.QUEUE_LAG).timeGauge().value(TimeUnit.SECONDS)).isEqualTo(3);
		assertThat(registry.get(BacklogMetrics.LEASES_EXPIRED).gauge().value()).isEqualTo(2);
		verify(runs, times(1)).backlog(this.now);
	}

}
