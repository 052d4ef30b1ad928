package dev.durable.inngest.remote;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.durable.inngest.BulkCancelRequest;
import dev.durable.inngest.BulkReplayRequest;
import dev.durable.inngest.BulkCancellation;
import dev.durable.inngest.CancelResult;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Runs and cancellations through the platform's REST API, against a stand-in for it on a
 * real port that answers by method and path.
 */
class RemoteInngestRunsTests {

	private static final SigningKey KEY = SigningKeyTests.VECTOR_A;

	private static final SigningKey FALLBACK = SigningKey.of("signkey-prod-0123456789abcdef0123456789abcdef");

	private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

	private static final String RUN_ID = "01JD5Z1Y2K3M4N5P6Q7R8S9T0V";

	private static final String FUNCTION_UUID = "3f1b2c4d-0000-4000-8000-000000000001";

	private final Map<String, Reply> replies = new ConcurrentHashMap<>();

	private final ConcurrentLinkedDeque<Request> requests = new ConcurrentLinkedDeque<>();

	private HttpServer platform;

	record Request(String method, String uri, Headers headers, JsonNode body) {

	}

	record Reply(int status, String body) {

	}

	@BeforeEach
	void startPlatform() throws IOException {
		this.platform = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.platform.createContext("/", (exchange) -> {
			byte[] in = exchange.getRequestBody().readAllBytes();
			String uri = exchange.getRequestURI().toString();
			this.requests.add(new Request(exchange.getRequestMethod(), uri, exchange.getRequestHeaders(),
					(in.length > 0) ? JsonMapper.shared().readTree(in) : null));
			String path = exchange.getRequestURI().getPath();
			String auth = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
			String function = (in.length > 0) ? JsonMapper.shared().readTree(in).path("function_id").asString("") : "";
			Reply reply = this.replies.getOrDefault(exchange.getRequestMethod() + " " + path + " " + auth,
					this.replies.getOrDefault(exchange.getRequestMethod() + " " + path + " function_id=" + function,
							this.replies.getOrDefault(exchange.getRequestMethod() + " " + path,
									new Reply(404, "{\"error\":\"not found\",\"status\":404}"))));
			byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(reply.status(), (out.length > 0) ? out.length : -1);
			if (out.length > 0) {
				exchange.getResponseBody().write(out);
			}
			exchange.close();
		});
		this.platform.start();
	}

	@AfterEach
	void stopPlatform() {
		this.platform.stop(0);
	}

	private RemoteInngestRuns runs(SigningKey key, SigningKey fallback, String env) {
		return new RemoteInngestRuns(RestClient.create(), "http://127.0.0.1:" + this.platform.getAddress().getPort(),
				key, fallback, env, "shop", Clock.fixed(NOW, ZoneOffset.UTC));
	}

	private RemoteInngestRuns runs() {
		return runs(KEY, null, null);
	}

	private void reply(String request, int status, String body) {
		this.replies.put(request, new Reply(status, body));
	}

	private static String run(String status, String output) {
		return "{\"data\":{\"run_id\":\"" + RUN_ID + "\",\"run_started_at\":\"2026-11-24T10:00:00Z\"," + "\"ended_at\":"
				+ ("Running".equals(status) ? "null" : "\"2026-11-24T10:00:05.250Z\"") + ",\"status\":\"" + status
				+ "\",\"output\":" + output + ",\"function_id\":\"shop-charge-order\","
				+ "\"function_version\":3,\"environment_id\":\"env-1\",\"event_id\":\"01JEVENT\",\"batch_id\":null,"
				+ "\"original_run_id\":null,\"cron\":null},\"metadata\":{\"fetchedAt\":\"2026-11-24T12:00:00Z\","
				+ "\"cachedUntil\":null}}";
	}

	@Test
	void aRunIsReadWithTheHashedSigningKeyAndTheEnvironment() {
		reply("GET /v1/runs/" + RUN_ID, 200, run("Completed", "{\"charged\":4200}"));
		RunView run = runs(KEY, null, "feature-x").find(RUN_ID).orElseThrow();
		assertThat(run.id()).isEqualTo(RUN_ID);
		assertThat(run.functionId()).isEqualTo("charge-order");
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		assertThat(run.event().id()).isEqualTo("01JEVENT");
		assertThat(run.startedAt()).isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
		assertThat(run.endedAt()).isEqualTo(Instant.parse("2026-11-24T10:00:05.250Z"));
		assertThat(run.output()).isEqualTo(Map.of("charged", 4200));
		assertThat(run.error()).isNull();
		Request request = this.requests.getFirst();
		assertThat(request.headers().getFirst("Authorization")).isEqualTo("Bearer " + KEY.bearerToken());
		assertThat(request.headers().getFirst("X-Inngest-Env")).isEqualTo("feature-x");
		assertThat(request.headers().getFirst("X-Inngest-SDK")).isEqualTo(Sdk.ID);
	}

	@Test
	void aFailedRunCarriesItsErrorInsteadOfAnOutput() {
		reply("GET /v1/runs/" + RUN_ID, 200,
				run("Failed", "{\"name\":\"IllegalStateException\",\"message\":\"card declined\",\"stack\":\"at x\"}"));
		RunView run = runs().find(RUN_ID).orElseThrow();
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.output()).isNull();
		assertThat(run.error().name()).isEqualTo("IllegalStateException");
		assertThat(run.error().message()).isEqualTo("card declined");
	}

	@Test
	void anUnknownRunIsEmpty() {
		assertThat(runs().find(RUN_ID)).isEmpty();
	}

	@Test
	void anUnknownRunIsEmptyAsTheSelfHostedServerAnswersIt() {
		// The dev server and a self-hosted one answer an unknown run with a 500 that says
		// it could not be loaded.
		reply("GET /v1/runs/" + RUN_ID, 500,
				"{\"error\":\"Unable to load function run: " + RUN_ID + "\",\"data\":null,\"status\":500}");
		assertThat(runs().find(RUN_ID)).isEmpty();
		assertThatExceptionOfType(NoSuchElementException.class).isThrownBy(() -> runs().cancel(RUN_ID));
	}

	@Test
	void aRunNamesItsFunctionByTheIdItWasSyncedWith() {
		// The REST API names a run's function by the platform's own id, a UUID, which the
		// app's functions map to the id they were synced with.
		reply("GET /v1/runs/" + RUN_ID, 200,
				run("Completed", "1").replace("\"shop-charge-order\"", "\"" + FUNCTION_UUID + "\""));
		reply("GET /v1/apps/shop/functions", 200,
				"[{\"internal_id\":\"" + FUNCTION_UUID + "\",\"id\":\"shop-charge-order\",\"name\":\"Charge\","
						+ "\"app_id\":\"6c1f2b0e-0000-4000-8000-00000000a001\"},{\"internal_id\":"
						+ "\"3f1b2c4d-0000-4000-8000-0000000000f2\",\"id\":\"shop-refund\",\"name\":\"Refund\"}]");
		RemoteInngestRuns runs = runs();
		assertThat(runs.find(RUN_ID)).map(RunView::functionId).contains("charge-order");
		assertThat(runs.find(RUN_ID)).map(RunView::functionId).contains("charge-order");
		assertThat(this.requests).extracting((request) -> request.method() + " " + request.uri())
			.containsExactly("GET /v1/runs/" + RUN_ID, "GET /v1/apps/shop/functions", "GET /v1/runs/" + RUN_ID);
	}

	@Test
	void aRunWhoseFunctionCannotBeMappedKeepsThePlatformsId() {
		reply("GET /v1/runs/" + RUN_ID, 200,
				run("Completed", "1").replace("\"shop-charge-order\"", "\"" + FUNCTION_UUID + "\""));
		assertThat(runs().find(RUN_ID)).map(RunView::functionId).contains(FUNCTION_UUID);
	}

	@Test
	void runsSkippedOrOverflowedHaveEnded() {
		reply("GET /v1/runs/" + RUN_ID, 200, run("Skipped", "null"));
		assertThat(runs().find(RUN_ID)).map(RunView::status).contains(RunStatus.CANCELLED);
		assertThat(runs().cancel(RUN_ID).cancelled()).isFalse();
		reply("GET /v1/runs/" + RUN_ID, 200, run("Overflowed", "null"));
		assertThat(runs().find(RUN_ID)).map(RunView::status).contains(RunStatus.FAILED);
		assertThat(this.requests).extracting(Request::method).doesNotContain("DELETE");
	}

	@Test
	void theFallbackKeyIsTriedWhenTheSigningKeyIsRefused() {
		reply("GET /v1/runs/" + RUN_ID + " Bearer " + KEY.bearerToken(), 401, "{\"error\":\"Unauthorized\"}");
		reply("GET /v1/runs/" + RUN_ID + " Bearer " + FALLBACK.bearerToken(), 200, run("Running", "null"));
		assertThat(runs(KEY, FALLBACK, null).find(RUN_ID)).map(RunView::status).contains(RunStatus.RUNNING);
		assertThat(this.requests).extracting((request) -> request.headers().getFirst("Authorization"))
			.containsExactly("Bearer " + KEY.bearerToken(), "Bearer " + FALLBACK.bearerToken());
	}

	@Test
	void aRefusedKeyIsReportedWithoutTheKey() {
		reply("GET /v1/runs/" + RUN_ID, 403, "{\"error\":\"Forbidden\"}");
		assertThatIllegalStateException().isThrownBy(() -> runs(KEY, FALLBACK, null).find(RUN_ID))
			.withMessageContaining("refused the signing key (403)")
			.withMessageContaining("inngest.signing-key")
			.withMessageNotContaining(KEY.bearerToken());
		assertThat(this.requests).hasSize(2);
	}

	@Test
	void cancellingARunThatHasNotEndedDeletesIt() {
		reply("GET /v1/runs/" + RUN_ID, 200, run("Running", "null"));
		reply("DELETE /v1/runs/" + RUN_ID, 204, "");
		assertThat(runs().cancel(RUN_ID)).isEqualTo(new CancelResult(RUN_ID, true, RunStatus.CANCELLED));
		assertThat(this.requests).extracting(Request::method).containsExactly("GET", "DELETE");
	}

	@Test
	void cancellingARunThatHasEndedChangesNothing() {
		reply("GET /v1/runs/" + RUN_ID, 200, run("Completed", "1"));
		assertThat(runs().cancel(RUN_ID)).isEqualTo(new CancelResult(RUN_ID, false, RunStatus.COMPLETED));
		assertThat(this.requests).extracting(Request::method).containsExactly("GET");
	}

	@Test
	void cancellingAnUnknownRunThrows() {
		assertThatExceptionOfType(NoSuchElementException.class).isThrownBy(() -> runs().cancel(RUN_ID))
			.withMessageContaining(RUN_ID);
	}

	@Test
	void aBulkCancellationIsPostedAsTheRestApiTakesIt() {
		reply("POST /v1/cancellations", 200,
				"{\"data\":{\"id\":\"01JCANCEL\",\"environment_id\":\"env-1\","
						+ "\"function_internal_id\":\"f-uuid\",\"function_id\":\"charge-order\","
						+ "\"started_before\":\"2026-11-24T11:00:00Z\",\"started_after\":\"2026-11-24T10:00:00Z\","
						+ "\"if\":\"event.data.amount > 1000\"}}");
		BulkCancellation cancellation = runs()
			.cancelAll(new BulkCancelRequest("bad deploy", "charge-order", Instant.parse("2026-11-24T10:00:00Z"),
					Instant.parse("2026-11-24T11:00:00Z"), "event.data.amount > 1000"));
		JsonNode body = this.requests.getFirst().body();
		assertThat(body.get("app_id").asString()).isEqualTo("shop");
		assertThat(body.get("function_id").asString()).isEqualTo("charge-order");
		assertThat(body.get("started_before").asString()).isEqualTo("2026-11-24T11:00:00Z");
		assertThat(body.get("started_after").asString()).isEqualTo("2026-11-24T10:00:00Z");
		assertThat(body.get("if").asString()).isEqualTo("event.data.amount > 1000");
		assertThat(cancellation.id()).isEqualTo("01JCANCEL");
		assertThat(cancellation.name()).isEqualTo("bad deploy");
		assertThat(cancellation.functionId()).isEqualTo("charge-order");
		assertThat(cancellation.startedBefore()).isEqualTo(Instant.parse("2026-11-24T11:00:00Z"));
		assertThat(cancellation.condition()).isEqualTo("event.data.amount > 1000");
		assertThat(cancellation.state()).isEqualTo(BulkCancellation.State.RUNNING);
	}

	@Test
	void aBulkCancellationIsPostedWithTheCompositeIdWhereThePlatformKnowsFunctionsByIt() {
		// Inngest Cloud takes the function's own id; the dev server and a self-hosted one
		// look the function up by the id it was synced with, and know no other.
		reply("POST /v1/cancellations", 404, "{\"error\":\"function not found\",\"data\":null,\"status\":404}");
		reply("POST /v1/cancellations function_id=shop-charge-order", 200,
				"{\"data\":{\"id\":\"01JCANCEL\",\"function_id\":\"shop-charge-order\","
						+ "\"started_before\":\"2026-11-24T11:00:00Z\"}}");
		BulkCancellation cancellation = runs()
			.cancelAll(new BulkCancelRequest(null, "charge-order", null, Instant.parse("2026-11-24T11:00:00Z"), null));
		assertThat(this.requests).extracting((request) -> request.body().get("function_id").asString())
			.containsExactly("charge-order", "shop-charge-order");
		assertThat(cancellation.id()).isEqualTo("01JCANCEL");
		assertThat(cancellation.functionId()).isEqualTo("charge-order");
	}

	@Test
	void aBulkCancellationOfAFunctionThePlatformKnowsUnderNeitherIdIsRefused() {
		reply("POST /v1/cancellations", 404, "{\"error\":\"function not found\",\"data\":null,\"status\":404}");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> runs().cancelAll(new BulkCancelRequest(null, "nope", null, NOW, null)))
			.withMessageContaining("function not found")
			.withMessageContaining("'nope'");
		assertThat(this.requests).hasSize(2);
	}

	@Test
	void aBulkCancellationOfRunsStartingInTheFutureIsRefusedBeforeItIsSent() {
		assertThatIllegalArgumentException().isThrownBy(
				() -> runs().cancelAll(new BulkCancelRequest(null, "charge-order", null, NOW.plusSeconds(60), null)))
			.withMessageContaining("in the future");
		assertThat(this.requests).isEmpty();
	}

	@Test
	void aBulkCancellationThePlatformRefusesSaysWhy() {
		reply("POST /v1/cancellations", 400, "{\"error\":\"function not found\",\"status\":400}");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> runs().cancelAll(new BulkCancelRequest(null, "nope", null, NOW, null)))
			.withMessageContaining("function not found");
	}

	@Test
	void bulkCancellationsAreListedAndStopped() {
		reply("GET /v1/cancellations", 200, "{\"data\":[{\"id\":\"01JCANCEL\",\"function_id\":\"charge-order\","
				+ "\"started_before\":\"2026-11-24T11:00:00Z\"}]}");
		reply("DELETE /v1/cancellations/01JCANCEL", 200, "");
		List<BulkCancellation> listed = runs().cancellations(10, "01JPREV");
		assertThat(listed).extracting(BulkCancellation::id).containsExactly("01JCANCEL");
		assertThat(this.requests.getFirst().uri()).isEqualTo("/v1/cancellations?limit=10&cursor=01JPREV");
		BulkCancellation stopped = runs().stopCancellation("01JCANCEL");
		assertThat(stopped.id()).isEqualTo("01JCANCEL");
		assertThat(stopped.state()).isEqualTo(BulkCancellation.State.STOPPED);
	}

	@Test
	void aPageOfBulkCancellationsOutOfRangeIsRefusedBeforeAnyRequest() {
		assertThatIllegalArgumentException().isThrownBy(() -> runs().cancellations(101, null))
			.withMessage("limit must be between 1 and 100, but was 101");
		assertThat(this.requests).isEmpty();
	}

	@Test
	void stoppingAnUnknownBulkCancellationThrows() {
		assertThatExceptionOfType(NoSuchElementException.class).isThrownBy(() -> runs().stopCancellation("nope"));
	}

	@Test
	void theRunsOfAnEventAreRead() {
		reply("GET /v1/events/01JEVENT/runs", 200,
				"{\"data\":[" + run("Running", "null").replaceAll("^\\{\"data\":|,\"metadata\".*$", "") + "]}");
		assertThat(runs().runsOf("01JEVENT")).extracting(RunView::id).containsExactly(RUN_ID);
	}

	@Test
	void whatTheRestApiDoesNotOfferSaysWhatToUseInstead() {
		RemoteInngestRuns runs = runs();
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> runs.list(RunQuery.all(10)))
			.withMessageContaining("find(runId)");
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> runs.countMatching(new BulkCancelRequest(null, "f", null, NOW, null)))
			.withMessageContaining("cancelAll");
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> runs.findCancellation("x"))
			.withMessageContaining("cancellations(limit, cursor)");
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> runs.rerun("01RUN"))
			.withMessageContaining("Inngest dashboard");
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> runs.replayAll(new BulkReplayRequest(null, "f", NOW.minusSeconds(60), NOW, null)))
			.withMessageContaining("replay runs in bulk");
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> runs.timeline("01RUN"))
			.withMessageContaining("timeline");
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> runs.stats(null, NOW.minusSeconds(60), NOW))
			.withMessageContaining("metrics");
		assertThat(this.requests).isEmpty();
	}

}
