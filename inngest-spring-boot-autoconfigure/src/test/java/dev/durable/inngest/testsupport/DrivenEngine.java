package dev.durable.inngest.testsupport;

import dev.durable.inngest.autoconfigure.InngestAutoConfiguration;
import dev.durable.inngest.autoconfigure.InngestLocalAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Applications of the local engine that a test drives, round by round ({@code DueRuns}):
 * the engine does not start on its own, and each application has a database of its own,
 * or the in-memory store when the tests run on it.
 */
public final class DrivenEngine {

	private DrivenEngine() {
	}

	/**
	 * A runner of such applications.
	 * @param database the start of the name of each application's database
	 * @return the runner
	 */
	public static ApplicationContextRunner runner(String database) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class,
							DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class))
			.withPropertyValues("inngest.local.auto-startup=false", "inngest.local.schema.initialize=always",
					TestDatabases.memory() ? "inngest.local.store=memory"
							: "spring.datasource.url=" + TestDatabases.newUrl(database));
	}

}
