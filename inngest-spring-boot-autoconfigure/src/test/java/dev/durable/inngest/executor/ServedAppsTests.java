package dev.durable.inngest.executor;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import dev.durable.inngest.function.FunctionDiscoverer;
import dev.durable.inngest.memory.InMemoryAppStore;
import dev.durable.inngest.remote.SigningKey;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Syncs of apps into one store, seen by every instance that reads it.
 */
class ServedAppsTests {

	private static final SigningKey KEY = SigningKey.of("signkey-test-0123456789abcdef0123456789abcdef");

	private final InMemoryAppStore store = new InMemoryAppStore();

	private static FunctionDiscoverer discoverer() {
		FunctionDiscoverer discoverer = new FunctionDiscoverer();
		discoverer.afterSingletonsInstantiated();
		return discoverer;
	}

	private ServedApps instance(FunctionDiscoverer functions) {
		return ServedApps.create(this.store, functions, KEY, Duration.ofSeconds(5), 4 * 1024 * 1024,
				JsonMapper.builder().build(), Clock.systemUTC(), () -> {
				});
	}

	private static byte[] register(String app, String... functionIds) {
		StringBuilder functions = new StringBuilder();
		for (String id : functionIds) {
			functions.append((functions.length() > 0) ? "," : "")
				.append("{\"id\":\"")
				.append(id)
				.append("\",\"triggers\":[{\"event\":\"e/")
				.append(id)
				.append("\"}],\"steps\":{\"step\":{\"runtime\":{\"url\":\"http://127.0.0.1:3000/api?fnId=")
				.append(id)
				.append("&stepId=step\"}}}}");
		}
		return ("{\"appName\":\"" + app + "\",\"url\":\"http://127.0.0.1:3000/api\",\"functions\":[" + functions + "]}")
			.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void anotherInstanceRunsWhatOneSyncedOnceItReadsTheStoreAgain() {
		FunctionDiscoverer here = discoverer();
		FunctionDiscoverer there = discoverer();
		ServedApps other = instance(there);
		assertThat(instance(here).sync(register("billing", "billing-charge")).modified()).isTrue();
		assertThat(there.registry().find("billing-charge")).isEmpty();
		other.refresh();
		assertThat(there.registry().find("billing-charge")).hasValueSatisfying((function) -> {
			assertThat(function.isServed()).isTrue();
			assertThat(function.app()).isEqualTo("billing");
		});
	}

	@Test
	void aRepeatedSyncChangesNothing() {
		ServedApps apps = instance(discoverer());
		assertThat(apps.sync(register("billing", "billing-charge")).modified()).isTrue();
		assertThat(apps.sync(register("billing", "billing-charge")).modified()).isFalse();
		assertThat(apps.sync(register("billing", "billing-charge", "billing-refund")).modified()).isTrue();
	}

	@Test
	void anAppCannotTakeAnotherAppsFunctionEvenOnAnotherInstance() {
		FunctionDiscoverer there = discoverer();
		instance(discoverer()).sync(register("billing", "billing-charge"));
		assertThatExceptionOfType(InvalidRegistrationException.class)
			.isThrownBy(() -> instance(there).sync(register("audit", "billing-charge")))
			.withMessage(
					"functions[0].id: 'billing-charge' is a function of app 'billing'; function ids must be unique");
		assertThat(this.store.findAll()).extracting((app) -> app.id()).containsExactly("billing");
	}

	@Test
	void aBodyThatIsNotARegisterRequestIsRefusedNamingTheField() {
		ServedApps apps = instance(discoverer());
		assertThatExceptionOfType(InvalidRegistrationException.class)
			.isThrownBy(() -> apps.sync("[1]".getBytes(StandardCharsets.UTF_8)))
			.withMessageStartingWith("body:");
		assertThatExceptionOfType(InvalidRegistrationException.class)
			.isThrownBy(() -> apps.sync("{\"url\":\"http://x/api\",\"functions\":[]}".getBytes(StandardCharsets.UTF_8)))
			.withMessage("body.appName: is required");
		assertThatExceptionOfType(InvalidRegistrationException.class)
			.isThrownBy(() -> apps
				.sync("{\"appName\":\"a\",\"url\":\"http://x/api\",\"functions\":{}}".getBytes(StandardCharsets.UTF_8)))
			.withMessageStartingWith("functions:");
		assertThat(this.store.findAll()).isEmpty();
	}

	@Test
	void anInBandConfigurationIsCheckedAndStoredAsARegisterRequestIs() {
		ServedApps apps = instance(discoverer());
		String register = new String(register("billing", "billing-charge"), StandardCharsets.UTF_8);
		String inBand = register.replace("\"appName\"", "\"app_id\"");
		assertThatExceptionOfType(InvalidRegistrationException.class)
			.isThrownBy(() -> apps.syncInBand(register.getBytes(StandardCharsets.UTF_8)))
			.withMessage("body.app_id: is required");
		assertThat(apps.syncInBand(inBand.getBytes(StandardCharsets.UTF_8)))
			.isEqualTo(new ServedApps.Sync("billing", 1, true));
		// The same app and functions, whichever way they came, change nothing.
		assertThat(apps.sync(register.getBytes(StandardCharsets.UTF_8)).modified()).isFalse();
		assertThatExceptionOfType(InvalidRegistrationException.class)
			.isThrownBy(
					() -> apps.syncInBand(inBand.replace("\"billing\"", "\"audit\"").getBytes(StandardCharsets.UTF_8)))
			.withMessage(
					"functions[0].id: 'billing-charge' is a function of app 'billing'; function ids must be unique");
		assertThat(this.store.findAll()).extracting((app) -> app.id()).containsExactly("billing");
	}

}
