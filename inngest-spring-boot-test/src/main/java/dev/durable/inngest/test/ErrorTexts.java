package dev.durable.inngest.test;

import java.util.List;

import dev.durable.inngest.ErrorInfo;
import org.jspecify.annotations.Nullable;

/**
 * Errors as the assertions' messages show them: name and message, without the stack,
 * which would bury the message.
 */
final class ErrorTexts {

	private ErrorTexts() {
	}

	static String of(@Nullable ErrorInfo error) {
		return (error != null) ? error.name() + ": " + error.message() : "none";
	}

	static boolean messageContains(@Nullable ErrorInfo error, String text) {
		return error != null && error.message() != null && error.message().contains(text);
	}

	static String of(List<ErrorInfo> errors) {
		return errors.stream().map(ErrorTexts::of).toList().toString();
	}

}
