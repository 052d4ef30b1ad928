package dev.durable.inngest;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a function parameter from the trigger event's {@code data} with Jackson.
 * <pre class="code">
 * record OrderPlaced(String orderId, long amount) {}
 *
 * &#064;InngestFunction(id = "process-order", event = "shop/order.placed")
 * void process(&#064;EventData OrderPlaced order, Step step) { ... }
 * </pre>
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EventData {

}
