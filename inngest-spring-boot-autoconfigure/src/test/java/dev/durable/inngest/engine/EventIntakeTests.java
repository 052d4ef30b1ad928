package dev.durable.inngest.engine;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.durable.inngest.Event;
import dev.durable.inngest.EventTooLargeException;
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

	/**
	 * The events these tests send: the engines of other test classes, sharing the
	 * database, may store system events meanwhile.
	 */
	private static final String TEST_EVENTS = "inngest_event WHERE name LIKE 'test/%'";

	@Autowired
	InngestClient inngest;

	@Autowired
	RunProbe probe;

	@Autowired
	JsonCodec json;

	@Test
	void eventWithoutNameIsRefusedAndNothingIsStored() {
		int before = this.probe.count(TEST_EVENTS);
		assertThatExceptionOfType(InvalidEventException.class)
			.isThrownBy(() -> this.inngest.send(Event.of("test/conditional", Map.of("amount", 1)), Event.of(" ")))
			.withMessage("Event 1 has no name; every event needs one, such as \"shop/order.placed\"");
		assertThat(this.probe.count(TEST_EVENTS)).isEqualTo(before);
	}

	@Test
	void eventWithAReservedNameIsRefused() {
		int before = this.probe.count(TEST_EVENTS);
		assertThatExceptionOfType(InvalidEventException.class)
			.isThrownBy(() -> this.inngest.send(Event.of("inngest/function.failed", Map.of())))
			.withMessageContaining("names starting with 'inngest/' are reserved for system events");
		assertThat(this.probe.count(TEST_EVENTS)).isEqualTo(before);
	}

	@Test
	void eventWithABlankIdIsRefusedAndNothingIsStored() {
		int before = this.probe.count(TEST_EVENTS);
		for (String id : new String[] { "", "   " }) {
			assertThatExceptionOfType(InvalidEventException.class)
				.isThrownBy(() -> this.inngest.send(Event.of("test/nobody-listens", Map.of()).withId(id)))
				.withMessageStartingWith("Event 0 has a blank id");
		}
		assertThat(this.probe.count(TEST_EVENTS)).isEqualTo(before);
	}

	@Test
	void eventNameOrIdWithANulCharacterIsRefusedWithTheOtherEventsSentWithIt() {
		int before = this.probe.count(TEST_EVENTS);
		Event fine = Event.of("test/nobody-listens", Map.of()).withId("fine-" + UUID.randomUUID());
		assertThatExceptionOfType(InvalidEventException.class)
			.isThrownBy(() -> this.inngest.send(fine, Event.of("test/nul\u0000name", Map.of())))
			.withMessageStartingWith("Event 1: name holds a NUL character");
		assertThatExceptionOfType(InvalidEventException.class)
			.isThrownBy(() -> this.inngest.send(fine, Event.of("test/nobody-listens", Map.of()).withId("a\u0000b")))
			.withMessageStartingWith("Event 1: id holds a NUL character");
		assertThat(this.probe.count(TEST_EVENTS)).isEqualTo(before);
	}

	@Test
	void eventIdLongerThanItsColumnIsRefusedWithTheOtherEventsSentWithIt() {
		int before = this.probe.count(TEST_EVENTS);
		Event fine = Event.of("test/nobody-listens", Map.of()).withId("fine-" + UUID.randomUUID());
		Event tooLong = Event.of("test/nobody-listens", Map.of()).withId("x".repeat(65));
		assertThatExceptionOfType(InvalidEventException.class).isThrownBy(() -> this.inngest.send(fine, tooLong))
			.withMessage("Event 1: id has 65 characters; the longest allowed is 64 (inngest.limits.event-id-length)");
		assertThat(this.probe.count(TEST_EVENTS)).isEqualTo(before);
	}

	@Test
	void eventIdAndVersionOfTheirColumnsWidthAreStored() {
		String id = UUID.randomUUID().toString();
		id = (id + id).substring(0, 64);
		String version = "v".repeat(64);
		assertThat(this.inngest.send(Event.of("test/nobody-listens", Map.of()).withId(id).withVersion(version)))
			.containsExactly(id);
		assertThat(this.probe.count("inngest_event WHERE id = '" + id + "' AND v = '" + version + "'")).isEqualTo(1);
	}

	@Test
	void versionLongerThanItsColumnIsRefused() {
		int before = this.probe.count(TEST_EVENTS);
		assertThatExceptionOfType(InvalidEventException.class)
			.isThrownBy(() -> this.inngest.send(Event.of("test/nobody-listens", Map.of()).withVersion("v".repeat(65))))
			.withMessage("Event 0: v has 65 characters; the longest allowed is 64");
		assertThat(this.probe.count(TEST_EVENTS)).isEqualTo(before);
	}

	@Test
	void eventNameLongerThanItsColumnIsRefused() {
		assertThatExceptionOfType(InvalidEventException.class)
			.isThrownBy(() -> this.inngest.send(Event.of("test/" + "n".repeat(251))))
			.withMessage("Event 0: name has 256 characters; the longest allowed is 255 "
					+ "(inngest.limits.event-name-length)");
	}

	@Test
	void timestampOutsideTheYears1980To2100IsRefused() {
		int before = this.probe.count(TEST_EVENTS);
		for (long ts : new long[] { -1, 1000, Instant.parse("1979-12-31T23:59:59.999Z").toEpochMilli(),
				Instant.parse("2100-01-01T00:00:00Z").toEpochMilli(), Long.MAX_VALUE }) {
			assertThatExceptionOfType(InvalidEventException.class)
				.isThrownBy(() -> this.inngest.send(Event.of("test/nobody-listens", Map.of()).withTs(ts)))
				.as("ts %d", ts)
				.withMessageStartingWith("Event 0: ts is " + ts + ", but it must be milliseconds since the epoch "
						+ "between 1980 and 2100");
		}
		assertThat(this.probe.count(TEST_EVENTS)).isEqualTo(before);
	}

	@Test
	void timestampGivenByTheSenderIsKept() {
		long ts = Instant.parse("1980-01-01T00:00:00Z").toEpochMilli();
		String id = this.inngest.send(Event.of("test/nobody-listens", Map.of()).withTs(ts)).get(0);
		assertThat(this.probe.count("inngest_event WHERE id = '" + id + "' AND ts = " + ts)).isEqualTo(1);
	}

	@Test
	void eventLargerThanTheEventSizeIsRefusedNamingTheLimit() {
		int before = this.probe.count(TEST_EVENTS);
		Event small = Event.of("test/nobody-listens", Map.of("a", 1));
		Event large = Event.of("test/nobody-listens", Map.of("blob", "x".repeat(512 * 1024)));
		assertThatExceptionOfType(InvalidEventException.class).isThrownBy(() -> this.inngest.send(small, large))
			.withMessage("Event 1 takes more than 524288 bytes as JSON; the largest allowed is 524288 bytes "
					+ "(inngest.limits.event-size)");
		assertThat(this.probe.count(TEST_EVENTS)).isEqualTo(before);
	}

	@Test
	void anEventIsMeasuredWithTheIdAndTimeItIsGiven() {
		int before = this.probe.count(TEST_EVENTS);
		Event empty = Event.of("test/nobody-listens", Map.of("blob", ""));
		int stamped = size(empty.withId("0".repeat(26)).withTs(Instant.parse("2099-12-31T23:59:59Z").toEpochMilli()));
		// Over the limit once given its id and time, under it without them.
		String blob = "x".repeat(512 * 1024 - stamped + 1);
		assertThat(size(Event.of("test/nobody-listens", Map.of("blob", blob)))).isLessThanOrEqualTo(512 * 1024);
		assertThatExceptionOfType(EventTooLargeException.class)
			.isThrownBy(() -> this.inngest.send(Event.of("test/nobody-listens", Map.of("blob", blob))))
			.withMessageStartingWith("Event 0 takes more than 524288 bytes as JSON");
		assertThat(this.probe.count(TEST_EVENTS)).isEqualTo(before);
	}

	@Test
	void dataThatCannotBeWrittenAsJsonIsRefusedNamingTheEvent() {
		int before = this.probe.count(TEST_EVENTS);
		Event fine = Event.of("test/nobody-listens", Map.of("a", 1));
		Event opaque = Event.of("test/nobody-listens", Map.of("thing", new Unwritable()));
		assertThatExceptionOfType(InvalidEventException.class).isThrownBy(() -> this.inngest.send(fine, opaque))
			.withMessageStartingWith("Event 1 cannot be written as JSON: ");
		assertThat(this.probe.count(TEST_EVENTS)).isEqualTo(before);
	}

	private int size(Event event) {
		return this.json.write(event).getBytes(StandardCharsets.UTF_8).length;
	}

	@Test
	void eventJustUnderTheEventSizeIsStored() {
		String blob = "x".repeat(500 * 1024);
		String id = this.inngest.send(Event.of("test/nobody-listens", Map.of("blob", blob))).get(0);
		assertThat(this.probe.count("inngest_event WHERE id = '" + id + "'")).isEqualTo(1);
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

	/** A value whose JSON cannot be written: its one property fails when read. */
	static class Unwritable {

		public String getValue() {
			throw new IllegalStateException("no value to write");
		}

	}

}
