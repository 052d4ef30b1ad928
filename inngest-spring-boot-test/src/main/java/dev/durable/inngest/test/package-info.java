/**
 * Testing durable functions: {@link dev.durable.inngest.test.InngestTest @InngestTest}
 * starts the application with the engine in memory and driven by the test's calls, and
 * {@link dev.durable.inngest.test.InngestTestEnvironment} sends events, moves time,
 * stands in for steps and reads runs back for the assertions of
 * {@link dev.durable.inngest.test.InngestAssertions}.
 */
@NullMarked
package dev.durable.inngest.test;

import org.jspecify.annotations.NullMarked;
