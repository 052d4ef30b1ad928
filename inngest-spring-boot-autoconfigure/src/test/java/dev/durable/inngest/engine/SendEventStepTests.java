package dev.durable.inngest.engine;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.Step;
import dev.durable.inngest.StepFailedException;
import dev.durable.inngest.engine.store.AttemptRecord;
import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.StepKind;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepStatus;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.dao.TransientDataAccessResourceException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code sendEvent} step whose send fails fails as a step: retried with the step's
 * budget while the failure may pass, failed for good at once for events that are refused,
 * and thrown into the body as a {@link StepFailedException} then, as in remote mode.
 */
@SpringBootTest(classes = { EngineTestApplication.class, SendEventStepTests.Functions.class })
class SendEventStepTests {

	/** How many more times storing an event named {@code test/announced} fails. */
	static final AtomicInteger failuresLeft = new AtomicInteger();

	@Autowired
	InngestClient inngest;

	@Autowired
	RunProbe probe;

	@Autowired
	Executions executions;

	@Autowired
	EventStore events;

	private final String key = UUID.randomUUID().toString();

	@Test
	void aSendThatFailsIsRetriedAsAStepAndTheStepsBeforeItAreNotRunAgain() {
		failuresLeft.set(1);
		String eventId = this.inngest.send(Event.of("test/announce", Map.of("key", this.key))).get(0);
		RunRecord run = this.probe.awaitEnded(eventId, "announce");
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(this.executions.count(this.key, "before")).isOne();
		StepRecord announce = step(run.id(), "announce");
		assertThat(announce.kind()).isEqualTo(StepKind.SEND);
		assertThat(announce.status()).isEqualTo(StepStatus.COMPLETED);
		assertThat(announce.attempts()).isEqualTo(2);
		assertThat(this.probe.attempts(run.id())).singleElement().satisfies((failed) -> {
			assertThat(failed.stepKey()).isEqualTo("announce");
			assertThat(failed.error().message()).isEqualTo("database restarting");
		});
		assertThat(this.events.findByName("test/announced", 1000))
			.filteredOn((event) -> this.key.equals(event.data().get("key")))
			.hasSize(1);
	}

	@Test
	void aSendOfARefusedEventFailsTheStepForGoodAtOnceIntoTheBody() {
		String eventId = this.inngest.send(Event.of("test/announce-reserved", Map.of("key", this.key))).get(0);
		RunRecord run = this.probe.awaitEnded(eventId, "announce-reserved");
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.attempt()).isZero();
		StepRecord announce = step(run.id(), "announce");
		assertThat(announce.status()).isEqualTo(StepStatus.FAILED);
		assertThat(announce.attempts()).isOne();
		assertThat(announce.error().name()).isEqualTo("NonRetriableException");
		assertThat(announce.error().message()).startsWith("Step 'announce' sends an event that is refused: ")
			.contains("inngest/");
		assertThat(this.executions.count(this.key, "compensate")).isOne();
		assertThat(this.probe.attempts(run.id())).extracting(AttemptRecord::stepKey).containsExactly("announce");
	}

	private StepRecord step(String runId, String key) {
		return this.probe.steps(runId).stream().filter((step) -> step.key().equals(key)).findFirst().orElseThrow();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Functions {

		@Bean
		static BeanPostProcessor eventStoreFailingOnce() {
			return InterceptedStores.inContext(EventStore.class, (method, args, call) -> {
				boolean announced = method.getName().startsWith("insert") && args != null
						&& Arrays.deepToString(args).contains("test/announced");
				if (announced && failuresLeft.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
					throw new TransientDataAccessResourceException("database restarting");
				}
				return call.proceed();
			});
		}

		@Bean
		SendFunctions sendFunctions(Executions executions) {
			return new SendFunctions(executions);
		}

	}

	static class SendFunctions {

		private final Executions executions;

		SendFunctions(Executions executions) {
			this.executions = executions;
		}

		@InngestFunction(id = "announce", event = "test/announce")
		List<String> announce(Event event, Step step) {
			String key = (String) event.data().get("key");
			step.run("before", () -> this.executions.hit(key, "before"));
			return step.sendEvent("announce", Event.of("test/announced", Map.of("key", key)));
		}

		@InngestFunction(id = "announce-reserved", event = "test/announce-reserved")
		String announceReserved(Event event, Step step) {
			String key = (String) event.data().get("key");
			try {
				step.sendEvent("announce", Event.of("inngest/announced", Map.of("key", key)));
				return "sent";
			}
			catch (StepFailedException ex) {
				step.run("compensate", () -> this.executions.hit(key, "compensate"));
				return "not sent";
			}
		}

	}

}
