package dev.durable.inngest.executor;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunView;
import dev.durable.inngest.function.FunctionDiscoverer;
import dev.durable.inngest.testsupport.JsReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Apps on the official Inngest JavaScript SDK synced by the application itself, with no
 * {@code PUT} from anyone else: one listed in {@code inngest.executor.apps} answers the
 * start-up sync with its configuration (in band) and its functions run on the engine, and
 * one that does not allow in-band syncs syncs itself to {@code /fn/register} when asked.
 * The application's port is chosen first, so that the apps' base URL can point at it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InBandSyncEndToEndTests {

	private static final String KEY = "signkey-test-2e4a6c8e0f1b3d5f7a9c1e3b5d7f9a0c";

	private static final String EVENT_KEY = "in-band-test-event-key";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration WAIT = Duration.ofSeconds(30);

	private JsReference inBand;

	private JsReference outOfBand;

	private ConfigurableApplicationContext context;

	@BeforeAll
	void start() throws Exception {
		int port = JsReference.freePort();
		String baseUrl = "http://127.0.0.1:" + port + "/inngest/";
		this.inBand = JsReference.start("executor-app.mjs",
				Map.of("SIGNING_KEY", KEY, "EVENT_KEY", EVENT_KEY, "BASE_URL", baseUrl));
		this.outOfBand = JsReference.start("executor-app.mjs", Map.of("SIGNING_KEY", KEY, "EVENT_KEY", EVENT_KEY,
				"BASE_URL", baseUrl, "APP_ID", "oobapp", "INNGEST_ALLOW_IN_BAND_SYNC", "false"));
		this.context = new SpringApplicationBuilder(App.class)
			.properties("server.port=" + port, "inngest.executor.enabled=true", "inngest.executor.signing-key=" + KEY,
					"inngest.event-key=" + EVENT_KEY, "inngest.executor.apps=" + this.inBand.url("/api/inngest"))
			.run();
	}

	@AfterAll
	void stop() throws Exception {
		if (this.context != null) {
			this.context.close();
		}
		if (this.inBand != null) {
			this.inBand.close();
		}
		if (this.outOfBand != null) {
			this.outOfBand.close();
		}
	}

	@Test
	void anAppOfThePropertyIsSyncedInBandAndItsFunctionsRun() throws Exception {
		ServedApps apps = this.context.getBean(ServedApps.class);
		await().atMost(WAIT).untilAsserted(() -> assertThat(apps.apps()).containsKey("jsapp"));
		assertThat(apps.apps().get("jsapp").url()).isEqualTo(this.inBand.url("/api/inngest"));
		assertThat(this.context.getBean(FunctionDiscoverer.class).registry().find("jsapp-steps"))
			.hasValueSatisfying((function) -> assertThat(function.isServed()).isTrue());
		String key = UUID.randomUUID().toString();
		this.context.getBean(InngestClient.class).send(Event.of("js/steps", Map.of("key", key, "n", 4)));
		RunView run = await().atMost(WAIT)
			.until(() -> run("jsapp-steps", key), (found) -> found != null && found.status().isFinal());
		assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo(RunStatus.COMPLETED);
		assertThat(JSON.valueToTree(run.output()).toString()).isEqualTo("{\"first\":{\"n\":4},\"second\":5}");
		AppSyncs.Outcome again = this.context.getBean(AppSyncs.class).sync(URI.create(this.inBand.url("/api/inngest")));
		assertThat(again)
			.isEqualTo(new AppSyncs.Outcome(URI.create(this.inBand.url("/api/inngest")), true, "jsapp", false));
	}

	@Test
	void anAppThatDoesNotAllowInBandSyncsSyncsItselfWhenAsked() {
		URI url = URI.create(this.outOfBand.url("/api/inngest"));
		AppSyncs.Outcome outcome = this.context.getBean(AppSyncs.class).sync(url);
		assertThat(outcome.inBand()).isFalse();
		assertThat(outcome.appId()).isNull();
		ServedApps apps = this.context.getBean(ServedApps.class);
		assertThat(apps.apps()).containsKey("oobapp");
		assertThat(this.context.getBean(FunctionDiscoverer.class).registry().find("oobapp-steps")).isPresent();
	}

	private RunView run(String functionId, String key) {
		return this.context.getBean(InngestRuns.class)
			.list(new RunQuery(functionId, null, null, null, RunQuery.MAX_LIMIT, null))
			.runs()
			.stream()
			.filter((view) -> key.equals(view.event().data().get("key")))
			.findFirst()
			.orElse(null);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
