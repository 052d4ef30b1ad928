package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Duration;

import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.engine.store.WaitStore;

import org.springframework.transaction.support.TransactionOperations;

/**
 * What executing runs needs: the stores, transactions, time, JSON and the retry back-off.
 *
 * @param events the event store
 * @param runs the run store
 * @param steps the step store
 * @param waits the wait store
 * @param transactions runs work in one transaction
 * @param clock the clock
 * @param json the JSON codec
 * @param backoff the retry back-off
 * @param ids makes ids
 * @param expressions compiles CEL conditions given at run time
 * @param leaseDuration how long a claimed run stays leased unless renewed
 * @param signals tells the other instances of runs made due or cancelled
 */
public record ExecutionEnvironment(EventStore events, RunStore runs, StepStore steps, WaitStore waits,
		TransactionOperations transactions, Clock clock, JsonCodec json, RetryBackoff backoff, Ids ids,
		ExpressionCache expressions, Duration leaseDuration, RunSignals signals) {

}
