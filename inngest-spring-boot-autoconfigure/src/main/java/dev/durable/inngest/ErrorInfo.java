package dev.durable.inngest;

import org.jspecify.annotations.Nullable;

/**
 * An error as stored with a run and carried by the system events.
 *
 * @param name the short name of the error's type, such as {@code IllegalStateException}
 * @param message the error's message, or {@code null}
 * @param stack the stack trace as text, or {@code null}
 */
public record ErrorInfo(String name, @Nullable String message, @Nullable String stack) {

}
