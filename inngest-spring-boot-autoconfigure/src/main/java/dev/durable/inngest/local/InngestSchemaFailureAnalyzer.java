package dev.durable.inngest.local;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start that failed because the database lacks the engine's schema version.
 */
class InngestSchemaFailureAnalyzer extends AbstractFailureAnalyzer<InngestSchemaException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InngestSchemaException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
