package dev.durable.inngest.engine;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunTimeline;
import dev.durable.inngest.RunTimeline.Span;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run's timeline ({@link InngestRuns#timeline}) for waits: one ended by the event it
 * waited for, one that timed out; on the real engine.
 */
@SpringBootTest(classes = EngineTestApplication.class)
class RunTimelineTests {

	@Autowired
	InngestClient inngest;

	@Autowired
	InngestRuns runs;

	@Autowired
	RunProbe probe;

	private final String key = UUID.randomUUID().toString();

	private Span only(RunTimeline timeline, String type) {
		return timeline.spans().stream().filter((span) -> span.type().equals(type)).findFirst().orElseThrow();
	}

	@Test
	void aWaitEndedByItsEventNamesTheEvent() {
		String runId = this.probe.awaitRunId(
				this.inngest.send(Event.of("test/order.created", Map.of("orderId", "t-" + this.key, "key", this.key)))
					.get(0),
				"approval-by-match");
		this.probe.awaitStatus(runId, RunStatus.WAITING);
		Span waiting = only(this.runs.timeline(runId).orElseThrow(), "wait");
		assertThat(waiting.status()).isEqualTo("WAITING");
		assertThat(waiting.end()).isNull();
		assertThat(waiting.note()).startsWith("Waiting for an event until");
		String approval = this.inngest
			.send(Event.of("test/order.approved", Map.of("orderId", "t-" + this.key, "by", "alice")))
			.get(0);
		this.probe.awaitEnded(runId, Duration.ofSeconds(10));
		RunTimeline timeline = this.runs.timeline(runId).orElseThrow();
		Span wait = only(timeline, "wait");
		assertThat(wait.status()).isEqualTo("COMPLETED");
		assertThat(wait.note()).isEqualTo("Ended by event 'test/order.approved' (" + approval + ")");
		assertThat(wait.end()).isAfterOrEqualTo(wait.start());
		assertThat(only(timeline, "completed").start()).isEqualTo(timeline.run().endedAt());
		assertThat(timeline.run().output()).isEqualTo("approved by alice");
		assertThat(timeline.spans()).extracting(Span::start).isSorted();
	}

	@Test
	void aWaitThatTimedOutSaysSo() {
		String runId = this.probe
			.awaitEnded(
					this.inngest.send(Event.of("test/quick-order.created", Map.of("orderId", "q-" + this.key))).get(0),
					"approval-timeout")
			.id();
		RunTimeline timeline = this.runs.timeline(runId).orElseThrow();
		assertThat(only(timeline, "wait").note()).isEqualTo("Timed out: no matching event arrived");
		assertThat(timeline.run().output()).isEqualTo("timed out");
	}

}
