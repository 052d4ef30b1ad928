package dev.durable.inngest.engine;

import java.util.Map;
import java.util.UUID;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InvalidEventException;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What sending events stores, and what it refuses.
 */
@SpringBootTest(classes = EngineTestApplication.class)
class EventIntakeTests {

	@Autowired
	InngestClient inngest;

	@Autowired
	RunProbe probe;

	@Test
	void eventWithoutNameIsRefusedAndNothingIsStored() {
		int before = this.probe.count("inngest_event");
		assertThatExceptionOfType(InvalidEventException.class)
			.isThrownBy(() -> this.inngest.send(Event.of("test/conditional", Map.of("amount", 1)), Event.of(" ")))
			.withMessage("Event 1 has no name; every event needs one, such as \"shop/order.placed\"");
		assertThat(this.probe.count("inngest_event")).isEqualTo(before);
	}

	@Test
	void eventWithAReservedNameIsRefused() {
		int before = this.probe.count("inngest_event");
		assertThatExceptionOfType(InvalidEventException.class)
			.isThrownBy(() -> this.inngest.send(Event.of("inngest/function.failed", Map.of())))
			.withMessageContaining("names starting with 'inngest/' are reserved for system events");
		assertThat(this.probe.count("inngest_event")).isEqualTo(before);
	}

	@Test
	void dataThatIsNotAnObjectIsRefused() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> Event.of("test/x", (Object) "just a string"))
			.withMessageContaining("must be a JSON object");
	}

	@Test
	void eventsGetIdsAndTimestamps() {
		String id = this.inngest.send(Event.of("test/nobody-listens", Map.of("a", 1))).get(0);
		assertThat(id).hasSize(26);
	}

	@Test
	void eventIdGivenByTheSenderIsAnIdempotencyKey() {
		String id = "order-" + UUID.randomUUID();
		Event event = Event.of("test/conditional", Map.of("amount", 500, "key", id)).withId(id);
		assertThat(this.inngest.send(event)).containsExactly(id);
		assertThat(this.inngest.send(event)).containsExactly(id);
		this.probe.awaitEnded(id, "conditional");
		assertThat(this.probe.runIds(id, "conditional")).hasSize(1);
	}

	@Test
	void eventThatTriggersNoFunctionIsStoredAndStartsNoRun() {
		int runs = this.probe.count("inngest_run");
		String id = this.inngest.send(Event.of("test/nobody-listens", Map.of())).get(0);
		assertThat(this.probe.count("inngest_event WHERE id = '" + id + "'")).isEqualTo(1);
		assertThat(this.probe.count("inngest_run WHERE event_id = '" + id + "'")).isZero();
		assertThat(this.probe.count("inngest_run")).isGreaterThanOrEqualTo(runs);
	}

}
