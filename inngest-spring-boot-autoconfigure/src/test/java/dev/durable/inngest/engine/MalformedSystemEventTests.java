package dev.durable.inngest.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionFailedEvent;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.InvalidEventException;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.RunRecord;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * System events that lack a field every one of them carries, on the real engine and H2:
 * the application cannot send one, and a failure handler's run whose stored event has
 * been changed so fails at once, naming the event and the field, with nothing else lost.
 */
@SpringBootTest(classes = EngineTestApplication.class)
class MalformedSystemEventTests {

	@Autowired
	InngestClient inngest;

	@Autowired
	InngestRuns runs;

	@Autowired
	RunProbe probe;

	@Autowired
	Executions executions;

	@Autowired
	JdbcClient jdbc;

	private final String key = UUID.randomUUID().toString();

	@Test
	void aSystemEventWithoutItsRunIdCannotBeSent() {
		String functionId = "engine-tests-" + this.key;
		assertThatExceptionOfType(InvalidEventException.class)
			.isThrownBy(() -> this.inngest.send(Event.of(FunctionFailedEvent.NAME, Map.of("function_id", functionId))))
			.withMessageContaining("'inngest/function.failed'")
			.withMessageContaining("reserved for system events");
		assertThat(this.probe.eventIds(FunctionFailedEvent.NAME, functionId)).isEmpty();
	}

	@Test
	void aHandlerRunWhoseStoredSystemEventLostItsRunIdFailsAtOnceNamingIt() {
		RunRecord failed = this.probe.awaitEnded(
				this.inngest.send(Event.of("test/charge", Map.of("key", this.key, "decline", true))).get(0),
				"charge-order");
		assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.probe.eventIds(FunctionFailedEvent.NAME, failed.id()).size() == 1);
		String eventId = this.probe.eventIds(FunctionFailedEvent.NAME, failed.id()).get(0);
		String handlerRunId = this.probe.awaitRunId(eventId, "charge-order-failure");
		assertThat(this.probe.awaitEnded(handlerRunId, Duration.ofSeconds(10)).status()).isEqualTo(RunStatus.COMPLETED);
		int alerts = this.executions.count(this.key, "alert");
		// As an edit of the row, or another program writing to the table, could leave it.
		this.jdbc.sql("UPDATE inngest_event SET data = ? WHERE id = ?")
			.params("{\"function_id\": \"engine-tests-charge-order\", \"event\": {\"name\": \"test/charge\", "
					+ "\"data\": {\"key\": \"" + this.key + "\"}}}", eventId)
			.update();

		String rerunId = this.runs.rerun(handlerRunId).id();
		RunRecord rerun = this.probe.awaitEnded(rerunId, Duration.ofSeconds(10));
		assertThat(rerun.status()).isEqualTo(RunStatus.FAILED);
		assertThat(rerun.error().name()).isEqualTo("NonRetriableException");
		assertThat(rerun.error().message()).isEqualTo("The inngest/function.failed event '" + eventId
				+ "' has no run_id in its data, which every inngest/function.failed system event carries; "
				+ "it cannot be read as one");
		assertThat(this.probe.attempts(rerunId)).hasSize(1);
		assertThat(this.executions.count(this.key, "alert")).isEqualTo(alerts);
		// What was there before is kept, and a handler's failure emits no system event.
		assertThat(this.probe.run(failed.id()).status()).isEqualTo(RunStatus.FAILED);
		assertThat(this.probe.run(handlerRunId).status()).isEqualTo(RunStatus.COMPLETED);
		List<String> failures = this.probe.eventIds(FunctionFailedEvent.NAME, rerunId);
		assertThat(failures).isEmpty();
	}

}
