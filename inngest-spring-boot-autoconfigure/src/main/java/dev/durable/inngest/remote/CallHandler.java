package dev.durable.inngest.remote;

/**
 * Answers the platform's call requests: runs a function's body once, from the memoized
 * state the request carries, and says what happened as the protocol's response (a step's
 * op, the run's output, or an error). The serve endpoint verifies the request's signature
 * before it calls this and adds the headers every response carries and the response's
 * signature.
 */
@FunctionalInterface
public interface CallHandler {

	/**
	 * Answers one call request.
	 * @param request the verified call request
	 * @return the response to send
	 */
	CallResponse call(CallRequest request);

}
