package dev.durable.inngest;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks the method that handles the failure of a function's run: once the run has
 * exhausted its retries, or failed at once on a {@link NonRetriableException} or a
 * {@link StepFailedException} that its body let escape. The handler runs once per failed
 * run, as a durable run of its own with its own retries (one unless the method is
 * annotated with {@link Retries}); it may take a {@link FailureContext} and a
 * {@link Step}. <pre class="code">
 * &#064;OnFailure(function = "process-order")
 * void orderFailed(FailureContext failure, Step step) {
 *     step.run("notify", () -&gt; alerts.send(failure.error().message()));
 * }
 * </pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(FunctionReflectiveProcessor.class)
public @interface OnFailure {

	/**
	 * The id of the function whose failures this method handles; may be left empty when
	 * the bean declares exactly one function.
	 * @return the function id
	 */
	String function() default "";

}
