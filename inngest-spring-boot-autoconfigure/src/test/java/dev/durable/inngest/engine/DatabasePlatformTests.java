package dev.durable.inngest.engine;

import dev.durable.inngest.local.DatabasePlatform;
import dev.durable.inngest.local.PostgresRunSignals;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's tests run on the database they are meant to: H2, or PostgreSQL when
 * chosen.
 */
@SpringBootTest(classes = EngineTestApplication.class)
class DatabasePlatformTests {

	@Autowired
	DatabasePlatform platform;

	@Autowired
	RunSignals signals;

	@Test
	void engineRunsOnTheChosenDatabase() {
		if (TestDatabases.postgresql()) {
			assertThat(this.platform).isEqualTo(DatabasePlatform.POSTGRESQL);
			assertThat(this.signals).isInstanceOf(PostgresRunSignals.class);
		}
		else {
			assertThat(this.platform).isEqualTo(DatabasePlatform.H2);
			assertThat(this.signals).isSameAs(RunSignals.NONE);
		}
	}

}
