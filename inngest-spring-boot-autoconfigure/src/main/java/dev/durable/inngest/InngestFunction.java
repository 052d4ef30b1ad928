package dev.durable.inngest;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks a method of a Spring bean as a durable function, run once for every event that
 * triggers it (and at every tick of its cron schedules).
 * <p>
 * The method's parameters are resolved by type: {@link Event} (the trigger),
 * {@code List<Event>} (all triggering events), {@link Step}, {@link RunContext}, and one
 * parameter annotated with {@link EventData} bound from the event's {@code data}. The
 * return value, if any, is stored as the run's output. <pre class="code">
 * &#064;Component
 * class Orders {
 *     &#064;InngestFunction(id = "process-order", event = "shop/order.placed")
 *     &#064;Retries(3)
 *     Receipt process(&#064;EventData OrderPlaced order, Step step) {
 *         step.run("reserve-stock", () -&gt; stock.reserve(order));
 *         return step.run("charge", Receipt.class, () -&gt; payments.charge(order));
 *     }
 * }
 * </pre> Every attribute is validated when the application starts: an invalid id,
 * trigger, expression or time string stops the start with a message naming the bean and
 * the method.
 *
 * @see Retries
 * @see CancelOn
 * @see Timeouts
 * @see OnFailure
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(FunctionReflectiveProcessor.class)
public @interface InngestFunction {

	/**
	 * The function's id: unique within the application, kebab-case
	 * ({@code [a-z0-9]+(-[a-z0-9]+)*}), for example {@code "process-order"}.
	 * @return the function id
	 */
	String id();

	/**
	 * A human-readable name shown in the dashboard and Actuator; defaults to the id.
	 * @return the display name
	 */
	String name() default "";

	/**
	 * Names of the events that trigger a run, for example {@code "shop/order.placed"}.
	 * @return the trigger event names
	 */
	String[] event() default {};

	/**
	 * Cron schedules that trigger a run: five fields ({@code "0 9 * * MON-FRI"}),
	 * optionally preceded by a time zone ({@code "TZ=Europe/Paris 0 9 * * *"}), or a
	 * macro such as {@code "@daily"}, in the syntax of Inngest's parser, which
	 * {@link dev.durable.inngest.function.CronSchedule} describes: Spring's {@code L},
	 * {@code W} and {@code #}, {@code 7} for Sunday, an offset as the zone and the zone
	 * {@code Local} are refused. Each scheduled run receives an
	 * {@code inngest/scheduled.timer} event.
	 * @return the cron expressions
	 */
	String[] cron() default {};

	/**
	 * A CEL expression over {@code event} that must be true for an event to start a run
	 * (Inngest's {@code if}), for example {@code "event.data.amount > 100"}. It sees only
	 * that event: {@code async} is not defined here, and refused at start-up.
	 * @return the trigger condition, or empty for none
	 */
	String condition() default "";

}
