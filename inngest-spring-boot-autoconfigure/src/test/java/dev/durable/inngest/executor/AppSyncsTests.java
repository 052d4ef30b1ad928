package dev.durable.inngest.executor;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.durable.inngest.engine.store.AppStore.AppRecord;
import dev.durable.inngest.executor.AppSyncs.AppSyncException;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionDiscoverer;
import dev.durable.inngest.remote.CanonicalJson;
import dev.durable.inngest.remote.SigningKey;
import dev.durable.inngest.testsupport.FakeServedApp;
import dev.durable.inngest.testsupport.FakeServedApp.Reply;
import dev.durable.inngest.testsupport.FakeServedApp.SyncRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * In-band syncs of apps scripted by the test, over real HTTP, into an application whose
 * executor stores them in its database: an app of {@code inngest.executor.apps} is synced
 * once the application has started, after a failure, and any app on demand; an answer
 * that is not signed with the key, fails, or carries a configuration the executor refuses
 * changes nothing and is logged naming the app and why.
 */
@SpringBootTest(classes = AppSyncsTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "inngest.executor.enabled=true", "inngest.executor.signing-key=" + AppSyncsTests.KEY })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class AppSyncsTests {

	static final String KEY = "signkey-test-6b1d3f5a7c9e0b2d4f6a8c0e1b3d5f7a";

	private static final SigningKey SIGNING_KEY = SigningKey.of(KEY);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration WAIT = Duration.ofSeconds(30);

	/** Fails its first sync with a server error, then syncs in band. */
	private static final AtomicInteger startupSyncs = new AtomicInteger();

	private static final FakeServedApp startupApp = new FakeServedApp(SIGNING_KEY).function("startup-work",
			"startup/work", 1, (n) -> Reply.done("\"done\""));

	static {
		startupApp.onSync((request) -> (startupSyncs.getAndIncrement() == 0)
				? new Reply(503, Map.of(), "{\"message\":\"starting\"}")
				: inBand(startupApp.inBandConfiguration("startup")));
	}

	@Autowired
	AppSyncs syncs;

	@Autowired
	ServedApps apps;

	@Autowired
	FunctionDiscoverer functions;

	@DynamicPropertySource
	static void apps(DynamicPropertyRegistry registry) {
		registry.add("inngest.executor.apps", startupApp::url);
	}

	@AfterAll
	void stopApp() {
		startupApp.close();
	}

	@Test
	void anAppOfThePropertyIsSyncedInBandOnceTheApplicationHasStartedRetryingAFailure() {
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.apps.apps()).containsKey("startup"));
		assertThat(this.functions.registry().find("startup-work")).hasValueSatisfying((function) -> {
			assertThat(function.isServed()).isTrue();
			assertThat(function.events()).containsExactly("startup/work");
		});
		assertThat(this.apps.apps().get("startup").url()).isEqualTo(startupApp.url());
		// The first sync got a server error, and was tried again in the background.
		assertThat(startupApp.syncs()).extracting(SyncRequest::kind).containsExactly("in_band", "in_band");
		assertThat(this.syncs.urls()).containsExactly(URI.create(startupApp.url()));
	}

	@Test
	void aServerErrorAtStartIsTriedAgainAFewTimesThenGivenUp(CapturedOutput output) {
		try (FakeServedApp app = new FakeServedApp(SIGNING_KEY)) {
			app.onSync((request) -> new Reply(500, Map.of(), "{\"message\":\"down\"}"));
			AppSyncs syncs = new AppSyncs(this.apps, List.of(URI.create(app.url())), JSON, Duration.ofMillis(20), 2,
					null);
			syncs.start();
			try {
				await().atMost(WAIT)
					.untilAsserted(() -> assertThat(output).contains("The sync of the app at " + app.url()
							+ " failed: it answered HTTP 500: {\"message\":\"down\"}; given up after 3 attempts"));
				assertThat(app.syncs()).hasSize(3);
			}
			finally {
				syncs.stop();
			}
		}
	}

	@Test
	void aRefusalAtStartIsNotTriedAgain(CapturedOutput output) {
		try (FakeServedApp app = new FakeServedApp(SIGNING_KEY)) {
			app.onSync(
					(request) -> new Reply(401, Map.of("X-Inngest-Signature", ""), "{\"message\":\"Unauthorized\"}"));
			AppSyncs syncs = new AppSyncs(this.apps, List.of(URI.create(app.url())), JSON, Duration.ofMillis(20), 2,
					null);
			syncs.start();
			try {
				await().atMost(WAIT)
					.untilAsserted(() -> assertThat(output).contains("The sync of the app at " + app.url()
							+ " failed: The answer of the app (HTTP 401 from " + app.url() + ") is refused"));
				assertThat(output).contains("; not tried again");
				await().during(Duration.ofMillis(300))
					.atMost(Duration.ofSeconds(5))
					.untilAsserted(() -> assertThat(app.syncs()).hasSize(1));
			}
			finally {
				syncs.stop();
			}
		}
	}

	@Test
	void aSyncIsASignedPutAskingForAnInBandSync() {
		try (FakeServedApp app = new FakeServedApp(SIGNING_KEY).function("signed-work", "signed/work", 0,
				(n) -> Reply.done("null"))) {
			app.onSync((request) -> inBand(app.inBandConfiguration("signed")));
			AppSyncs.Outcome outcome = this.syncs.sync(URI.create(app.url()));
			assertThat(outcome).isEqualTo(new AppSyncs.Outcome(URI.create(app.url()), true, "signed", true));
			SyncRequest request = app.syncs().get(0);
			assertThat(request.kind()).isEqualTo("in_band");
			assertThat(request.body()).isEqualTo("{\"url\":\"" + app.url() + "\"}");
			long time = Long.parseLong(request.signature().replaceAll("^t=(\\d+)&s=.*$", "$1"));
			assertThat(request.signature()).isEqualTo(SIGNING_KEY.signatureHeader(
					CanonicalJson.canonicalize(request.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
					time));
			assertThat(this.functions.registry().find("signed-work")).isPresent();
			assertThat(this.syncs.sync(URI.create(app.url())).modified()).isFalse();
		}
	}

	@Test
	void anAppThatSyncsOutOfBandInsteadHasSynced() {
		try (FakeServedApp app = new FakeServedApp(SIGNING_KEY)) {
			app.onSync((request) -> new Reply(200, Map.of("X-Inngest-Sync-Kind", "out_of_band"),
					"{\"message\":\"Successfully synced.\",\"modified\":true}"));
			assertThat(this.syncs.sync(URI.create(app.url())))
				.isEqualTo(new AppSyncs.Outcome(URI.create(app.url()), false, null, true));
		}
	}

	@Test
	void anUnsignedAnswerChangesNothing(CapturedOutput output) {
		refused((app) -> withHeader(inBand(app.inBandConfiguration("unsigned")), "X-Inngest-Signature", ""),
				"is refused: it has no X-Inngest-Signature", output);
	}

	@Test
	void anAnswerSignedWithAnotherKeyChangesNothing(CapturedOutput output) {
		refused((app) -> {
			Reply reply = inBand(app.inBandConfiguration("forged"));
			return withHeader(reply, "X-Inngest-Signature",
					SigningKey.of("signkey-test-00000000000000000000000000000000")
						.signatureHeader(reply.body().getBytes(), System.currentTimeMillis() / 1000));
		}, "is refused: its X-Inngest-Signature does not match its bytes with inngest.executor.signing-key", output);
	}

	@Test
	void anUnauthorizedAnswerChangesNothing(CapturedOutput output) {
		refused((app) -> new Reply(401, Map.of("X-Inngest-Signature", ""), "{\"message\":\"Unauthorized\"}"),
				"(HTTP 401 from ", output);
	}

	@Test
	void anInvalidConfigurationChangesNothing(CapturedOutput output) {
		refused((app) -> {
			ObjectNode configuration = app.inBandConfiguration("invalid");
			configuration.withArray("functions").addObject().put("id", "invalid-no-step");
			return inBand(configuration);
		}, "failed: its configuration is refused: functions[1].steps.step", output);
	}

	@Test
	void aConfigurationWithAnotherAppsFunctionChangesNothing(CapturedOutput output) {
		try (FakeServedApp owner = new FakeServedApp(SIGNING_KEY).function("owned-work", "owned/work", 0,
				(n) -> Reply.done("null"))) {
			owner.onSync((request) -> inBand(owner.inBandConfiguration("owned")));
			this.syncs.sync(URI.create(owner.url()));
			refused((app) -> inBand(owner.inBandConfiguration("thief")),
					"its configuration is refused: functions[0].id: 'owned-work' is a function of app 'owned'", output);
		}
	}

	@Test
	void aServerErrorChangesNothing(CapturedOutput output) {
		refused((app) -> new Reply(500, Map.of("X-Inngest-Sync-Kind", "in_band"), "{\"message\":\"boom\"}"),
				"failed: it answered HTTP 500: {\"message\":\"boom\"}", output);
	}

	@Test
	void anAppThatIsDownChangesNothing(CapturedOutput output) {
		FakeServedApp app = new FakeServedApp(SIGNING_KEY);
		URI url = URI.create(app.url());
		app.close();
		Map<String, AppRecord> before = this.apps.apps();
		assertThatExceptionOfType(AppSyncException.class).isThrownBy(() -> this.syncs.sync(url))
			.satisfies((ex) -> assertThat(ex.isRetryable()).isTrue());
		assertThat(this.apps.apps()).isEqualTo(before);
		assertThat(output).contains("The sync of the app at " + url + " failed: Syncing " + url + " failed");
	}

	@Test
	void aPollIntervalSyncsTheAppAgainPickingUpItsNewFunctionsAndLogsAnOutageOnce(CapturedOutput output) {
		try (FakeServedApp app = new FakeServedApp(SIGNING_KEY).function("polled-work", "polled/work", 0,
				(n) -> Reply.done("null"))) {
			AtomicInteger syncs = new AtomicInteger();
			AtomicBoolean down = new AtomicBoolean();
			AtomicBoolean redeployed = new AtomicBoolean();
			app.onSync((request) -> {
				syncs.incrementAndGet();
				if (down.get()) {
					return new Reply(503, Map.of(), "{\"message\":\"deploying\"}");
				}
				ObjectNode configuration = app.inBandConfiguration("polled");
				if (redeployed.get()) {
					// The redeployed app serves its function under another id.
					configuration.get("functions")
						.forEach((function) -> ((ObjectNode) function).put("id", "polled-work-v2"));
				}
				return inBand(configuration);
			});
			AppSyncs polling = new AppSyncs(this.apps, List.of(URI.create(app.url())), JSON, Duration.ofMillis(20), 2,
					Duration.ofMillis(100));
			polling.start();
			try {
				await().atMost(WAIT).untilAsserted(() -> assertThat(syncs).hasValueGreaterThanOrEqualTo(3));
				assertThat(this.functions.registry().find("polled-work")).isPresent();
				// Unchanged syncs are not logged at INFO at every interval.
				assertThat(output).containsOnlyOnce("Synced app 'polled' in band from " + app.url());

				down.set(true);
				int before = syncs.get();
				await().atMost(WAIT).untilAsserted(() -> assertThat(syncs).hasValueGreaterThanOrEqualTo(before + 3));
				assertThat(output)
					.containsOnlyOnce("The sync of the app at " + app.url() + " failed: it answered HTTP 503");

				redeployed.set(true);
				down.set(false);
				await().atMost(WAIT)
					.untilAsserted(() -> assertThat(this.functions.registry().find("polled-work-v2")).isPresent());
				assertThat(this.functions.registry().find("polled-work")).isEmpty();
				assertThat(output).contains("The sync of the app at " + app.url() + " succeeds again");
			}
			finally {
				polling.stop();
			}
		}
	}

	private void refused(java.util.function.Function<FakeServedApp, Reply> answer, String reason,
			CapturedOutput output) {
		try (FakeServedApp app = new FakeServedApp(SIGNING_KEY).function("refused-work", "refused/work", 0,
				(n) -> Reply.done("null"))) {
			app.onSync((request) -> answer.apply(app));
			Map<String, AppRecord> before = this.apps.apps();
			List<String> ids = this.functions.registry().all().stream().map(FunctionDefinition::id).toList();
			assertThatExceptionOfType(AppSyncException.class).isThrownBy(() -> this.syncs.sync(URI.create(app.url())))
				.withMessageStartingWith("The sync of the app at " + app.url() + " failed: ")
				.withMessageContaining(reason);
			assertThat(this.apps.apps()).isEqualTo(before);
			assertThat(this.functions.registry().all().stream().map(FunctionDefinition::id).toList()).isEqualTo(ids)
				.doesNotContain("refused-work");
			assertThat(output).containsPattern("WARN .*The sync of the app at " + app.url() + " failed: ");
			assertThat(output).contains(reason);
		}
	}

	private static Reply inBand(ObjectNode configuration) {
		return new Reply(200, Map.of("X-Inngest-Sync-Kind", "in_band"), JSON.writeValueAsString(configuration));
	}

	private static Reply withHeader(Reply reply, String name, String value) {
		Map<String, String> headers = new java.util.HashMap<>(reply.headers());
		headers.put(name, value);
		return new Reply(reply.status(), headers, reply.body());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
