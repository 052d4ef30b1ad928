package dev.durable.inngest.postgresql;

import dev.durable.inngest.engine.EventIngestor;
import dev.durable.inngest.engine.RunExecutor;
import dev.durable.inngest.engine.RunScheduler;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the engine does unless set, by whether PostgreSQL's commits wait for their log to
 * be flushed: runs are started where they are sent either way, and completions and sends
 * are committed together only where commits wait.
 */
class SynchronousCommitDefaultsTests {

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

	private boolean[] commitsTogether(String... properties) {
		try (ConfigurableApplicationContext context = ClusterApp.start(this.url, "a", properties)) {
			return new boolean[] { context.getBean(RunExecutor.class).commitsTogether(),
					context.getBean(EventIngestor.class).sendsTogether() };
		}
	}

	private void synchronousCommit(String value) {
		String database = this.probe.jdbc().sql("SELECT current_database()").query(String.class).single();
		this.probe.jdbc().sql("ALTER DATABASE \"" + database + "\" SET synchronous_commit = " + value).update();
	}

	@Test
	void runsStartWhereTheyAreSentWhetherOrNotCommitsWaitForTheirFlush() {
		synchronousCommit("off");
		assertThat(startsEagerly()).isTrue();
		synchronousCommit("on");
		assertThat(startsEagerly()).isTrue();
		assertThat(startsEagerly("inngest.local.eager-start.enabled=false")).isFalse();
	}

	@Test
	void completionsAndSendsAreCommittedTogetherWhereCommitsWaitForTheirFlush() {
		synchronousCommit("on");
		assertThat(commitsTogether()).containsExactly(true, true);
		assertThat(commitsTogether("inngest.local.group-commit=false", "inngest.local.send-group-commit=false"))
			.containsExactly(false, false);
	}

	@Test
	void eachIsCommittedAloneWhereCommitsDoNotWait() {
		synchronousCommit("off");
		assertThat(commitsTogether()).containsExactly(false, false);
		assertThat(commitsTogether("inngest.local.send-group-commit=true")).containsExactly(false, true);
	}

}
