package dev.durable.inngest.remote;

/**
 * Unwinds a function's body at the step whose op answers the call request. An
 * {@link Error}, not an {@link Exception}, so that the body's own
 * {@code catch (Exception ex)} does not take it for a failure; it carries no stack, as it
 * is thrown on most call requests.
 */
final class StepInterrupt extends Error {

	private final transient CallResponse response;

	StepInterrupt(CallResponse response) {
		super("The function's body stops at a step; this is not an error", null, false, false);
		this.response = response;
	}

	CallResponse response() {
		return this.response;
	}

}
