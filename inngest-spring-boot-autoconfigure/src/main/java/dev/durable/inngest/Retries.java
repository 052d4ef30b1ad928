package dev.durable.inngest;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The number of retries after the first attempt, for the function body and for each step
 * separately. Without this annotation a function has {@value #DEFAULT} retries, so up to
 * five attempts of every step. <pre class="code">
 * &#064;InngestFunction(id = "sync-invoices", event = "billing/invoice.created")
 * &#064;Retries(10)
 * void sync(Event event, Step step) { ... }
 * </pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Retries {

	/** The retries a function has when it is not annotated. */
	int DEFAULT = 4;

	/** The most retries a function may have. */
	int MAX = 20;

	/**
	 * Retries after the first attempt, from 0 to {@value #MAX}.
	 * @return the number of retries
	 */
	int value();

}
