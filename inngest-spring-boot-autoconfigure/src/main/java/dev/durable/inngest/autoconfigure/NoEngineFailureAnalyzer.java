package dev.durable.inngest.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start that failed because durable functions have no engine to run them.
 */
class NoEngineFailureAnalyzer extends AbstractFailureAnalyzer<NoEngineException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NoEngineException cause) {
		boolean several = !cause.getDataSources().isEmpty();
		StringBuilder description = new StringBuilder(
				"The application declares durable functions, but nothing would run them: inngest.mode is 'local' "
						+ "(the default) and the local engine has no store, as the application has "
						+ (several ? "several DataSources " + cause.getDataSources() + ", none of them @Primary, "
								: "no DataSource ")
						+ "and inngest.local.store is not 'memory'. The functions:\n");
		cause.getFunctions().forEach((function) -> description.append("\n    - ").append(function));
		String database = several ? "    - mark the DataSource the engine should keep its runs in @Primary;\n"
				: "    - give the application a database for the local engine: inngest-spring-boot-starter "
						+ "brings H2, or set spring.datasource.url (PostgreSQL for several instances);\n";
		return new FailureAnalysis(description.toString(), "Do one of these:\n\n" + database
				+ "    - set inngest.local.store=memory to keep runs in memory (they do not survive a restart);\n"
				+ "    - set inngest.mode=remote to serve the functions to the Inngest platform.", cause);
	}

}
