package dev.durable.inngest;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Cancels a run when a matching event arrives after the run was created. Repeatable, up
 * to five times per function. <pre class="code">
 * &#064;InngestFunction(id = "send-reminder", event = "tasks/reminder.created")
 * &#064;CancelOn(event = "tasks/reminder.deleted", match = "data.reminderId", timeout = "24h")
 * void remind(Event event, Step step) { ... }
 * </pre> With neither {@link #match()} nor {@link #condition()}, every event with that
 * name cancels every run of the function.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(CancelOn.List.class)
public @interface CancelOn {

	/**
	 * The name of the cancelling event.
	 * @return the event name
	 */
	String event();

	/**
	 * A dotted field, such as {@code "data.orderId"}, that must be equal in the run's
	 * trigger and in the cancelling event.
	 * @return the field to match, or empty
	 */
	String match() default "";

	/**
	 * A CEL expression over {@code event} (the trigger) and {@code async} (the cancelling
	 * event) that must be true (Inngest's {@code if}).
	 * @return the condition, or empty
	 */
	String condition() default "";

	/**
	 * How long after the run was created the cancelling event counts, as a time string
	 * such as {@code "30m"} or {@code "1h30m"}; empty means for the whole run.
	 * @return the time window, or empty
	 */
	String timeout() default "";

	/**
	 * Holds several {@link CancelOn} annotations.
	 */
	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@Documented
	@interface List {

		/**
		 * The cancellation rules.
		 * @return the rules
		 */
		CancelOn[] value();

	}

}
