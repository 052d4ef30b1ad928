package dev.durable.inngest;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Cancels a run that waits too long to start or runs too long in all. Values are time
 * strings such as {@code "30s"}, {@code "5m"}, {@code "1h30m"} or {@code "7d"}.
 * <pre class="code">
 * &#064;InngestFunction(id = "render-report", event = "reports/requested")
 * &#064;Timeouts(start = "1m", finish = "2h")
 * void render(Event event, Step step) { ... }
 * </pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Timeouts {

	/**
	 * The longest a run may stay queued before its first attempt starts; empty for no
	 * limit.
	 * @return the start timeout
	 */
	String start() default "";

	/**
	 * The longest a run may take from its start to its end, sleeps, waits and the waits
	 * between retries included; empty for no limit.
	 * @return the finish timeout
	 */
	String finish() default "";

}
