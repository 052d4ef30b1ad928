package dev.durable.inngest.remote;

import java.time.Duration;

import dev.durable.inngest.actuate.InngestRemoteHealthIndicator;
import dev.durable.inngest.autoconfigure.InngestAutoConfiguration;
import dev.durable.inngest.autoconfigure.InngestRemoteAutoConfiguration;
import dev.durable.inngest.remote.AppSync.SyncState;
import dev.durable.inngest.remote.app.RemoteTestApplication;
import dev.durable.inngest.testsupport.FakePlatform;
import dev.durable.inngest.testsupport.FakePlatform.Reply;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A platform that cannot be reached, or is slow to answer, neither delays nor fails the
 * start; the sync keeps being retried, and the health shows why it has not succeeded.
 */
class UnreachablePlatformTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class, InngestRemoteAutoConfiguration.class))
		.withUserConfiguration(RemoteTestApplication.Functions.class)
		.withPropertyValues("inngest.mode=remote", "inngest.app-id=orders",
				"inngest.signing-key=" + RemoteTestApplication.SIGNING_KEY,
				"inngest.serve-origin=https://orders.example.com", "inngest.sync.initial-interval=50ms",
				"inngest.sync.max-interval=100ms");

	@Test
	void anUnreachablePlatformIsRetriedAndShownAsUnknownHealth() {
		// Port 1 refuses at once: a port freed by a server of this test could be taken
		// meanwhile by another test's, which would answer or hang.
		this.runner.withPropertyValues("inngest.api-base-url=http://127.0.0.1:1").run((context) -> {
			assertThat(context).hasNotFailed();
			AppSync sync = context.getBean(AppSync.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> sync.state().failures() >= 8);
			SyncState state = sync.state();
			assertThat(state.status()).isEqualTo(SyncState.Status.FAILED);
			assertThat(state.lastError()).contains("could not be reached");
			assertThat(state.lastSyncedAt()).isNull();
			InngestRemoteHealthIndicator health = context.getBean(InngestRemoteHealthIndicator.class);
			assertThat(health.health(true).getStatus()).isEqualTo(Status.UNKNOWN);
			assertThat(health.health(true).getDetails()).containsEntry("sync", "failed")
				.containsEntry("lastSyncedAt", "never")
				.containsKey("lastError");
		});
	}

	@Test
	void aSlowPlatformDoesNotDelayTheStart() {
		try (FakePlatform slow = FakePlatform.start().thenAnswer(Reply.slow(Duration.ofSeconds(15)))) {
			this.runner.withPropertyValues("inngest.api-base-url=" + slow.origin()).run((context) -> {
				assertThat(context).hasNotFailed();
				// Started, with the sync's request at the platform and its answer still
				// to come.
				await().atMost(Duration.ofSeconds(10)).until(() -> slow.registers().size() == 1);
				AppSync sync = context.getBean(AppSync.class);
				assertThat(sync.state().status()).isEqualTo(SyncState.Status.NOT_SYNCED);
				assertThat(slow.registers().get(0).payload().get("url").asString())
					.isEqualTo("https://orders.example.com/api/inngest");
				assertThat(slow.registers().get(0).headers().get("Authorization")).startsWith("Bearer signkey-prod-");
			});
		}
	}

	@Test
	void aSyncThePlatformRefusesIsNotRetried() {
		try (FakePlatform refusing = FakePlatform.start().thenAnswer(new Reply(401, "{\"error\":\"bad key\"}"))) {
			this.runner.withPropertyValues("inngest.api-base-url=" + refusing.origin()).run((context) -> {
				AppSync sync = context.getBean(AppSync.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> sync.state().failures() >= 1);
				Thread.sleep(500);
				// The signing key was refused, then the fallback key would be tried;
				// there is none.
				assertThat(refusing.registers()).hasSize(1);
				assertThat(sync.state().lastError()).contains("401").contains("bad key");
			});
		}
	}

}
