package dev.durable.inngest.remote;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.EventTooLargeException;
import dev.durable.inngest.InvalidEventException;
import dev.durable.inngest.remote.FakeEventApi.Answer;
import dev.durable.inngest.remote.FakeEventApi.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Sending events outside a transaction, against a stand-in for the Event API on a real
 * port.
 */
class RemoteInngestClientTests {

	static final String EVENT_KEY = "test-event-key-4f1c";

	static final EventApi.Retry FAST = new EventApi.Retry(3, Duration.ofMillis(10), Duration.ofSeconds(2));

	private FakeEventApi platform;

	@BeforeEach
	void startPlatform() throws Exception {
		this.platform = new FakeEventApi();
	}

	@AfterEach
	void stopPlatform() {
		this.platform.close();
	}

	private RemoteInngestClient client(String origin, String key, boolean dev, String env) {
		EventApi api = new EventApi(RestClient.create(), origin, key, dev, env, FAST);
		return new RemoteInngestClient(api, 512 * 1024, Clock.systemUTC());
	}

	private RemoteInngestClient client() {
		return client(this.platform.origin(), EVENT_KEY, false, null);
	}

	@Test
	void eventsArePostedToTheEventKeysPathWithTheSdkAndEnvironmentHeaders() {
		client(this.platform.origin(), EVENT_KEY, false, "feature-x")
			.send(Event.of("shop/order.placed", Map.of("orderId", "o-1")));
		Received request = this.platform.received().get(0);
		assertThat(request.path()).isEqualTo("/e/" + EVENT_KEY);
		assertThat(request.headers().getFirst("X-Inngest-SDK")).isEqualTo(Sdk.ID);
		assertThat(request.headers().getFirst("X-Inngest-Env")).isEqualTo("feature-x");
		assertThat(request.headers().getFirst("Content-Type")).startsWith("application/json");
	}

	@Test
	void theBodyIsAnArrayOfEventsAsTheEventApiTakesThem() {
		client().send(Event.of("shop/order.placed", Map.of("orderId", "o-1"))
			.withId("order-o-1")
			.withTs(1735689600000L)
			.withUser(Map.of("email", "a@example.com"))
			.withVersion("2026-01"), Event.of("shop/cart.emptied"));
		JsonNode body = this.platform.received().get(0).body();
		assertThat(body.isArray()).isTrue();
		JsonNode first = body.get(0);
		assertThat(first.get("name").asString()).isEqualTo("shop/order.placed");
		assertThat(first.get("data").get("orderId").asString()).isEqualTo("o-1");
		assertThat(first.get("id").asString()).isEqualTo("order-o-1");
		assertThat(first.get("ts").asLong()).isEqualTo(1735689600000L);
		assertThat(first.get("user").get("email").asString()).isEqualTo("a@example.com");
		assertThat(first.get("v").asString()).isEqualTo("2026-01");
		JsonNode second = body.get(1);
		assertThat(second.get("data").isObject()).isTrue();
		assertThat(second.has("user")).isFalse();
		assertThat(second.has("v")).isFalse();
	}

	@Test
	void everyEventIsGivenAnIdAndATimeBeforeItIsSent() {
		long before = System.currentTimeMillis();
		client().send(Event.of("shop/order.placed"), Event.of("shop/order.placed"));
		JsonNode body = this.platform.received().get(0).body();
		assertThat(body.get(0).get("id").asString()).isNotBlank();
		assertThat(body.get(1).get("id").asString()).isNotBlank().isNotEqualTo(body.get(0).get("id").asString());
		assertThat(body.get(0).get("ts").asLong()).isBetween(before, System.currentTimeMillis());
	}

	@Test
	void theIdsTheEventApiAnswersAreReturned() {
		this.platform.answer(Answer.status(200, "{\"ids\":[\"01J-A\",\"01J-B\"],\"status\":200}"));
		assertThat(client().send(Event.of("a/one"), Event.of("a/two"))).containsExactly("01J-A", "01J-B");
	}

	@Test
	void aSuccessStatusWithoutTheEventApisAnswerIsAFailure() {
		// A wrong inngest.event-api-base-url may reach a web server that answers 200 with
		// a page of its own: the official SDK fails the send, as nothing says the Event
		// API took the events.
		this.platform.answer(Answer.status(200, "<!doctype html><title>Inngest</title>"));
		assertThatExceptionOfType(EventApiException.class).isThrownBy(() -> client().send(Event.of("a/b")))
			.withMessageContaining("200")
			.withMessageContaining("<!doctype html>")
			.withMessageContaining("inngest.event-api-base-url")
			.withMessageNotContaining(EVENT_KEY)
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(200));
	}

	@Test
	void aSuccessStatusWhoseBodyReportsAnErrorIsAFailure() {
		this.platform.answer(Answer.status(200, "{\"ids\":[],\"status\":400,\"error\":\"event name is empty\"}"));
		assertThatExceptionOfType(EventApiException.class).isThrownBy(() -> client().send(Event.of("a/b")))
			.withMessageContaining("event name is empty");
		this.platform.answer(Answer.status(200, "{\"ids\":[\"01J-A\"]}"));
		assertThatExceptionOfType(EventApiException.class).isThrownBy(() -> client().send(Event.of("a/b")))
			.withMessageContaining("status");
	}

	@Test
	void serverErrorsAreRetriedWithTheSameEventIds() {
		this.platform.answer(Answer.status(500, "{\"error\":\"boom\"}"), Answer.status(502, "bad gateway"),
				Answer.ok());
		List<String> ids = client().send(Event.of("shop/order.placed"));
		assertThat(ids).hasSize(1);
		List<Received> requests = this.platform.received();
		assertThat(requests).hasSize(3);
		assertThat(requests).extracting(Received::eventIds)
			.allSatisfy((eventIds) -> assertThat(eventIds).isEqualTo(requests.get(0).eventIds()));
		assertThat(this.platform.taken()).containsOnly(Map.entry(requests.get(0).eventIds().get(0), 1));
	}

	@Test
	void tooManyRequestsWaitsWhatRetryAfterAsks() {
		this.platform.answer(new Answer(429, "{\"error\":\"slow down\"}", Map.of("Retry-After", "1")), Answer.ok());
		long start = System.nanoTime();
		client().send(Event.of("shop/order.placed"));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
		assertThat(this.platform.received()).hasSize(2);
	}

	@Test
	void aRetryAfterLongerThanTheLongestWaitEndsTheRetries() {
		this.platform.answer(new Answer(429, "{\"error\":\"slow down\"}", Map.of("Retry-After", "60")));
		assertThatExceptionOfType(EventApiException.class).isThrownBy(() -> client().send(Event.of("a/b")))
			.satisfies((ex) -> {
				assertThat(ex.status()).isEqualTo(429);
				assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(60));
			});
		assertThat(this.platform.received()).hasSize(1);
	}

	@Test
	void retriesThatAllFailEndWithTheLastError() {
		this.platform.answer(Answer.status(503, "{\"error\":\"unavailable\"}"));
		assertThatExceptionOfType(EventApiException.class).isThrownBy(() -> client().send(Event.of("a/b")))
			.withMessageContaining("503")
			.withMessageContaining("unavailable");
		assertThat(this.platform.received()).hasSize(1 + FAST.maxRetries());
	}

	@Test
	void aRefusedEventKeyIsReportedWithoutTheKeyAndNotRetried() {
		this.platform.answer(Answer.status(401, "{\"error\":\"Event key not found\"}"));
		assertThatExceptionOfType(EventApiException.class).isThrownBy(() -> client().send(Event.of("a/b")))
			.withMessageContaining("refused the event key")
			.withMessageContaining("inngest.event-key")
			.withMessageNotContaining(EVENT_KEY)
			.satisfies((ex) -> assertThat(ex.isRetryable()).isFalse());
		assertThat(this.platform.received()).hasSize(1);
	}

	@Test
	void aBadRequestQuotesTheEventApisErrorAndIsNotRetried() {
		this.platform
			.answer(Answer.status(400, "{\"ids\":[],\"status\":400,\"error\":\"event data must be an object\"}"));
		assertThatExceptionOfType(EventApiException.class).isThrownBy(() -> client().send(Event.of("a/b")))
			.withMessageContaining("refused the events (400): event data must be an object");
		assertThat(this.platform.received()).hasSize(1);
	}

	@Test
	void anEventApiThatCannotBeReachedIsRetriedThenReportedWithoutTheKey() {
		// Port 1 refuses at once, where a freed port could be taken by another test's
		// server meanwhile.
		assertThatExceptionOfType(EventApiException.class)
			.isThrownBy(() -> client("http://127.0.0.1:1", EVENT_KEY, false, null).send(Event.of("a/b")))
			.withMessageContaining("Could not reach the Event API")
			.withMessageNotContaining(EVENT_KEY)
			.satisfies((ex) -> assertThat(ex.status()).isZero());
	}

	@Test
	void aDevServerWithoutAKeyIsSentThePlaceholderKey() {
		client(this.platform.origin(), null, true, null).send(Event.of("a/b"));
		assertThat(this.platform.received().get(0).path()).isEqualTo("/e/" + EventApi.NO_EVENT_KEY);
	}

	@Test
	void withoutAKeyOutsideDevModeNothingIsSent() {
		assertThatIllegalStateException()
			.isThrownBy(() -> client(this.platform.origin(), null, false, null).send(Event.of("a/b")))
			.withMessageContaining("inngest.event-key");
		assertThat(this.platform.received()).isEmpty();
	}

	@Test
	void aReservedNameIsRefusedBeforeAnythingIsSent() {
		assertThatExceptionOfType(InvalidEventException.class)
			.isThrownBy(() -> client().send(Event.of("a/ok"), Event.of("inngest/function.failed")))
			.withMessageContaining("Event 1")
			.withMessageContaining("reserved");
		assertThat(this.platform.received()).isEmpty();
	}

	@Test
	void sendingNoEventsSendsNothing() {
		assertThat(client().send()).isEmpty();
		assertThat(this.platform.received()).isEmpty();
	}

	@Test
	void anEventWithoutANameIsRefused() {
		assertThatExceptionOfType(InvalidEventException.class).isThrownBy(() -> client().send(Event.of(" ")))
			.withMessageContaining("Event 0 has no name");
	}

	@Test
	void aTimeOutsideTheYearsTheEventApiTakesIsRefused() {
		assertThatExceptionOfType(InvalidEventException.class)
			.isThrownBy(() -> client().send(Event.of("a/b").withTs(1000)))
			.withMessageContaining("ts is 1000");
	}

	@Test
	void anEventLargerThanTheLimitIsRefused() {
		EventApi api = new EventApi(RestClient.create(), this.platform.origin(), EVENT_KEY, false, null, FAST);
		RemoteInngestClient small = new RemoteInngestClient(api, 100, Clock.systemUTC());
		assertThatExceptionOfType(EventTooLargeException.class)
			.isThrownBy(() -> small.send(Event.of("a/b", Map.of("text", "x".repeat(200)))))
			.withMessageContaining("inngest.limits.event-size");
		assertThat(this.platform.received()).isEmpty();
	}

	@Test
	void dataThatCannotBeWrittenAsJsonIsRefusedBeforeAnythingIsSent() {
		assertThatExceptionOfType(InvalidEventException.class)
			.isThrownBy(() -> client().send(Event.of("a/ok"), Event.of("a/b", Map.of("thing", new Unwritable()))))
			.withMessageStartingWith("Event 1 cannot be written as JSON: ");
		assertThat(this.platform.received()).isEmpty();
	}

	/** A value whose JSON cannot be written: its one property fails when read. */
	static class Unwritable {

		public String getValue() {
			throw new IllegalStateException("no value to write");
		}

	}

}
