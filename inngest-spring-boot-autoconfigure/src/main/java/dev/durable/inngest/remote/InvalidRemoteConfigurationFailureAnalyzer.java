package dev.durable.inngest.remote;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start that failed because remote mode is not configured so that the
 * application can serve the platform.
 */
class InvalidRemoteConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidRemoteConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidRemoteConfigurationException cause) {
		return new FailureAnalysis("Inngest remote mode cannot start: " + cause.getMessage(), cause.getAction(), cause);
	}

}
