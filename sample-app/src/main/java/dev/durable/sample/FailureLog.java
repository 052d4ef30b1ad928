package dev.durable.sample;

import dev.durable.inngest.FunctionFailedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Reacts to failed runs the Spring way: the engine publishes a
 * {@link FunctionFailedEvent} once per failed run, after the failure is committed.
 */
@Component
public class FailureLog {

	private static final Log logger = LogFactory.getLog(FailureLog.class);

	@EventListener
	public void onFailure(FunctionFailedEvent failed) {
		logger.info("Function " + failed.functionId() + " failed in run " + failed.runId() + " on event "
				+ failed.originalEvent().name() + ": " + failed.error().name());
	}

}
