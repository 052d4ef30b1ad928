package dev.durable.inngest.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the engine names its database in the log.
 */
class DatabaseDurabilityTests {

	@Test
	void aUrlIsLoggedWithoutTheUserAndPasswordItNames() {
		assertThat(DatabaseDurability.withoutCredentials("jdbc:h2:mem:app;USER=sa;PASSWORD=secret;DB_CLOSE_DELAY=-1"))
			.isEqualTo("jdbc:h2:mem:app;DB_CLOSE_DELAY=-1");
		assertThat(DatabaseDurability.withoutCredentials("jdbc:h2:mem:app;password=secret"))
			.isEqualTo("jdbc:h2:mem:app");
		assertThat(DatabaseDurability.withoutCredentials("jdbc:postgresql://shop:secret@db.example.com:5432/shop"))
			.isEqualTo("jdbc:postgresql://db.example.com:5432/shop");
	}

}
