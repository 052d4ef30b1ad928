package dev.durable.inngest.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.RunStatus;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine stopped and started again, as a context that is paused and restarted does:
 * it keeps every worker and runs what arrived while it was stopped.
 */
@SpringBootTest(classes = EngineTestApplication.class, properties = "inngest.local.workers=2")
class EngineLifecycleTests {

	@Autowired
	RunScheduler engine;

	@Autowired
	ConfigurableApplicationContext context;

	@Autowired
	InngestClient inngest;

	@Autowired
	RunProbe probe;

	private List<String> send(int count) {
		List<Event> events = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			events.add(Event.of("test/flaky-step", Map.of("key", UUID.randomUUID().toString())));
		}
		return this.inngest.send(events);
	}

	private void assertAllComplete(List<String> eventIds) {
		for (String eventId : eventIds) {
			assertThat(this.probe.awaitEnded(eventId, "flaky-step").status()).isEqualTo(RunStatus.COMPLETED);
		}
	}

	@Test
	void runsSentWhileTheEngineIsStoppedRunOnceItStartsAgainAfterManyRestarts() {
		// More restarts than workers: a worker lost at each one would leave none.
		for (int i = 0; i < 4; i++) {
			this.engine.stop();
			assertThat(this.engine.isRunning()).isFalse();
			this.engine.start();
		}
		this.engine.stop();
		List<String> sentWhileStopped = send(3);
		assertThat(this.probe.runIds(sentWhileStopped.get(0), "flaky-step")).hasSize(1);
		this.engine.start();
		assertAllComplete(sentWhileStopped);
		assertAllComplete(send(6));
	}

	@Test
	void aPausedAndRestartedContextRunsItsFunctions() {
		for (int i = 0; i < 3; i++) {
			this.context.pause();
			assertThat(this.engine.isRunning()).isFalse();
			this.context.restart();
			assertThat(this.engine.isRunning()).isTrue();
		}
		assertAllComplete(send(4));
	}

}
