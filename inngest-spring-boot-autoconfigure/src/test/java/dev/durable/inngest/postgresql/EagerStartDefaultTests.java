package dev.durable.inngest.postgresql;

import dev.durable.inngest.engine.RunScheduler;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whether runs are started where they are sent, unless set: on PostgreSQL only where
 * commits do not wait for their log to be flushed.
 */
class EagerStartDefaultTests {

	private String url;

	private ClusterProbe probe;

	@BeforeEach
	void createDatabase() {
		this.url = TestDatabases.newPostgresDatabase(TestDatabases.sharedServer());
		this.probe = new ClusterProbe(this.url);
	}

	@AfterEach
	void closeProbe() {
		this.probe.close();
	}

	private boolean startsEagerly(String... properties) {
		try (ConfigurableApplicationContext context = ClusterApp.start(this.url, "a", properties)) {
			return context.getBean(RunScheduler.class).settings().eagerStart();
		}
	}

	private void synchronousCommit(String value) {
		String database = this.probe.jdbc().sql("SELECT current_database()").query(String.class).single();
		this.probe.jdbc().sql("ALTER DATABASE \"" + database + "\" SET synchronous_commit = " + value).update();
	}

	@Test
	void onWhereCommitsDoNotWaitForTheirFlush() {
		synchronousCommit("off");
		assertThat(startsEagerly()).isTrue();
	}

	@Test
	void offWhereCommitsWaitForTheirFlushUnlessSet() {
		synchronousCommit("on");
		assertThat(startsEagerly()).isFalse();
		assertThat(startsEagerly("inngest.local.eager-start.enabled=true")).isTrue();
	}

}
