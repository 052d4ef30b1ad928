package dev.durable.inngest.engine;

import dev.durable.inngest.ErrorInfo;

/**
 * An exception that stands for an error raised outside this JVM, such as in a function
 * that another app serves: the engine stores the error as that app reported it, with its
 * own name, message and stack, rather than this exception's.
 */
public interface ReportedError {

	/**
	 * The error as it was reported.
	 * @return the error
	 */
	ErrorInfo errorInfo();

}
