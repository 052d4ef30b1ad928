package dev.durable.inngest.executor;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start that failed because the executor is enabled without a usable signing
 * key. The key's value is never shown.
 */
class InvalidExecutorConfigurationFailureAnalyzer
		extends AbstractFailureAnalyzer<InvalidExecutorConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidExecutorConfigurationException cause) {
		return new FailureAnalysis("The Inngest executor cannot start: " + cause.getMessage(),
				"Set inngest.executor.signing-key to the signing key the SDK apps use, such as "
						+ "signkey-prod-<64 hex digits> (generate one with: openssl rand -hex 32), or set "
						+ "inngest.executor.enabled=false.",
				cause);
	}

}
