package dev.durable.inngest.remote;

import org.jspecify.annotations.Nullable;

/**
 * A call request from the platform, its signature verified.
 *
 * @param functionId the {@code fnId} query parameter: the composite id of the function to
 * call
 * @param stepId the {@code stepId} query parameter: {@code step} for a discovery request,
 * or the hash of the one step to execute; {@code null} if absent
 * @param body the request's raw JSON body
 */
public record CallRequest(String functionId, @Nullable String stepId, byte[] body) {

}
