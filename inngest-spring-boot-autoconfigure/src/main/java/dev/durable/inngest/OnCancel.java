package dev.durable.inngest;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks the method that cleans up after a function's run was cancelled, whatever
 * cancelled it: a {@link CancelOn} event, {@link InngestRuns#cancel(String)}, a bulk
 * cancellation or a {@link Timeouts timeout}. The handler runs as a durable run of its
 * own, started once per cancelled run in the transaction that cancels it, with its own
 * retries (one unless the method is annotated with {@link Retries}). It may take the
 * {@link FunctionCancelledEvent}, a {@link Step}, a {@link RunContext} and the
 * {@link Event} that started it. <pre class="code">
 * &#064;OnCancel(function = "process-order")
 * void orderCancelled(FunctionCancelledEvent cancelled, Step step) {
 *     step.run("release-stock", () -&gt; stock.release(cancelled.originalEvent().data().get("orderId")));
 * }
 * </pre> The method belongs to the bean that declares the function. A handler that fails
 * is retried and then fails like any function; it starts no cancellation handler of its
 * own.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(FunctionReflectiveProcessor.class)
public @interface OnCancel {

	/**
	 * The id of the function whose cancellations this method handles; may be left empty
	 * when the bean declares exactly one function.
	 * @return the function id
	 */
	String function() default "";

}
