package dev.durable.inngest;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A run step's own options, given to
 * {@link Step#run(String, StepOptions, Class, java.util.concurrent.Callable)} and its
 * overloads: the step's own retry budget instead of the function's {@link Retries}, and,
 * optionally, its own back-off between attempts. <pre class="code">
 * String receipt = step.run("charge", StepOptions.retries(10), String.class, () -&gt; payments.charge(order));
 * step.run("poll", StepOptions.retries(20).backoff(Duration.ofSeconds(1), Duration.ofMinutes(1)),
 *         () -&gt; status.check(order));
 * step.run("notify", StepOptions.defaults().backoff(Duration.ofSeconds(5), Duration.ofSeconds(30)),
 *         () -&gt; mail.send(order));
 * </pre> In remote mode the platform counts a step's attempts against the function's
 * retries, as registered: a step budget below the function's is honoured, one above it is
 * cut to the function's. Options are checked when the step is called; invalid ones fail
 * the call with an {@link IllegalArgumentException} naming the step.
 */
public final class StepOptions {

	private static final StepOptions DEFAULTS = new StepOptions(null, null, null);

	private final @Nullable Integer retries;

	private final @Nullable Duration backoffInitial;

	private final @Nullable Duration backoffMax;

	private StepOptions(@Nullable Integer retries, @Nullable Duration backoffInitial, @Nullable Duration backoffMax) {
		this.retries = retries;
		this.backoffInitial = backoffInitial;
		this.backoffMax = backoffMax;
	}

	/**
	 * Options that change nothing: the function's retries and the engine's back-off.
	 * @return the default options
	 */
	public static StepOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Options with the step's own number of retries after its first attempt.
	 * @param retries the retries, from 0 to {@value Retries#MAX}
	 * @return the options
	 */
	public static StepOptions retries(int retries) {
		return new StepOptions(retries, null, null);
	}

	/**
	 * A copy with the step's own back-off: the first retry waits {@code initial}, each
	 * next one twice as long as the one before, never longer than {@code max}. A
	 * {@link RetryAfterException} still sets its own time.
	 * @param initial the wait before the first retry, at least a millisecond (in remote
	 * mode the platform waits whole seconds, from 1 s to 24 hours)
	 * @param max the longest wait, at least {@code initial}
	 * @return a copy with the back-off
	 */
	public StepOptions backoff(Duration initial, Duration max) {
		Objects.requireNonNull(initial, "initial must not be null");
		Objects.requireNonNull(max, "max must not be null");
		return new StepOptions(this.retries, initial, max);
	}

	/**
	 * A copy with the step's own number of retries.
	 * @param retries the retries, from 0 to {@value Retries#MAX}
	 * @return a copy with the retries
	 */
	public StepOptions withRetries(int retries) {
		return new StepOptions(retries, this.backoffInitial, this.backoffMax);
	}

	/**
	 * The step's own retries.
	 * @return the retries, or {@code null} for the function's
	 */
	public @Nullable Integer retries() {
		return this.retries;
	}

	/**
	 * The wait before the step's first retry.
	 * @return the initial wait, or {@code null} for the engine's back-off
	 */
	public @Nullable Duration backoffInitial() {
		return this.backoffInitial;
	}

	/**
	 * The longest wait between two attempts of the step.
	 * @return the longest wait, or {@code null} for the engine's back-off
	 */
	public @Nullable Duration backoffMax() {
		return this.backoffMax;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return (this == other) || (other instanceof StepOptions that && Objects.equals(this.retries, that.retries)
				&& Objects.equals(this.backoffInitial, that.backoffInitial)
				&& Objects.equals(this.backoffMax, that.backoffMax));
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.retries, this.backoffInitial, this.backoffMax);
	}

	@Override
	public String toString() {
		return "StepOptions[retries=" + this.retries + ", backoff=" + this.backoffInitial + ".." + this.backoffMax
				+ "]";
	}

}
