package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Duration;

import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.engine.store.WaitStore;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionOperations;

/**
 * What the steps of a {@link RunExecution} use, gathered once by the {@link RunExecutor}
 * that creates the executions from its own dependencies; not a bean.
 *
 * @param runs the run store
 * @param steps the step store
 * @param waits the wait store
 * @param transactions runs work in one transaction
 * @param clock the clock
 * @param json the JSON codec
 * @param backoff the retry back-off
 * @param expressions compiles CEL conditions given at run time
 * @param leaseDuration how long a claimed run stays leased unless renewed
 * @param interceptor consulted before each run step's body executes, or {@code null}
 */
record StepServices(RunStore runs, StepStore steps, WaitStore waits, TransactionOperations transactions, Clock clock,
		JsonCodec json, RetryBackoff backoff, ExpressionCache expressions, Duration leaseDuration,
		@Nullable StepInterceptor interceptor) {

}
