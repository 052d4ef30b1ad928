package dev.durable.inngest.remote;

import tools.jackson.databind.JsonNode;

/**
 * Fetches a run's events and memoized steps from the platform's API, for a call request
 * that left them out because they were too large ({@code use_api: true}).
 */
public interface RunPayloads {

	/**
	 * The events that triggered a run: {@code GET /v0/runs/{runId}/batch}.
	 * @param runId the run's id
	 * @return a JSON array of events
	 * @throws RuntimeException if they could not be fetched
	 */
	JsonNode events(String runId);

	/**
	 * The memoized steps of a run: {@code GET /v0/runs/{runId}/actions}.
	 * @param runId the run's id
	 * @return a JSON object shaped as a call request's {@code steps}
	 * @throws RuntimeException if they could not be fetched
	 */
	JsonNode steps(String runId);

}
