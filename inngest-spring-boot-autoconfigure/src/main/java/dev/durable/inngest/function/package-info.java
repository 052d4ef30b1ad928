/**
 * Reading {@code @InngestFunction} methods once into immutable definitions, with their
 * validation, time strings, cron schedules and compiled CEL expressions.
 */
@NullMarked
package dev.durable.inngest.function;

import org.jspecify.annotations.NullMarked;
