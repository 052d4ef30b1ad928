package dev.durable.inngest.function;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up that failed because a durable function is declared wrongly.
 */
class InvalidFunctionFailureAnalyzer extends AbstractFailureAnalyzer<InvalidFunctionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidFunctionException cause) {
		StringBuilder description = new StringBuilder("The durable function ").append(cause.location())
			.append(" is declared wrongly:\n");
		cause.problems().forEach((problem) -> description.append("\n    - ").append(problem));
		return new FailureAnalysis(description.toString(),
				"Correct the annotations or parameters of " + cause.location()
						+ ". Time strings look like 30s, 5m, 1h30m or 7d; expressions are CEL over 'event' "
						+ "(and 'async' when cancelling or waiting).",
				cause);
	}

}
