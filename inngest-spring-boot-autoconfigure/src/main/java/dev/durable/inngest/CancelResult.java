package dev.durable.inngest;

/**
 * What {@link InngestRuns#cancel(String)} did.
 *
 * @param runId the run id
 * @param cancelled {@code true} if this call cancelled the run; {@code false} if it had
 * ended already, in which case nothing changed
 * @param status the run's state after the call
 */
public record CancelResult(String runId, boolean cancelled, RunStatus status) {

}
