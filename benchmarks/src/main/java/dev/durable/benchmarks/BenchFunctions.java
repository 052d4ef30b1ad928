package dev.durable.benchmarks;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.RunContext;
import dev.durable.inngest.Step;

/**
 * The functions the workloads run, with the counters they read.
 */
public class BenchFunctions {

	/** Function bodies that reached their end, by function id. */
	final ConcurrentHashMap<String, AtomicInteger> finished = new ConcurrentHashMap<>();

	/** Step attempts of the retry workload, by run id. */
	final ConcurrentHashMap<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

	/** Nanoseconds from an event's send to its run's first step. */
	final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();

	AtomicInteger finished(String functionId) {
		return this.finished.computeIfAbsent(functionId, (id) -> new AtomicInteger());
	}

	@InngestFunction(id = "one-step", event = "bench/one-step")
	int oneStep(Step step) {
		int value = step.run("only", Integer.class, () -> 1);
		SendPerCall.ran();
		finished("one-step").incrementAndGet();
		return value;
	}

	@InngestFunction(id = "ten-steps", event = "bench/ten-steps")
	int tenSteps(Step step) {
		int sum = 0;
		for (int i = 0; i < 10; i++) {
			int n = i;
			sum += step.run("step-" + i, Integer.class, () -> n);
		}
		finished("ten-steps").incrementAndGet();
		return sum;
	}

	@InngestFunction(id = "flaky", event = "bench/flaky")
	int flaky(Step step, RunContext run) {
		int value = step.run("flaky-step", Integer.class, () -> {
			int attempt = this.attempts.computeIfAbsent(run.runId(), (id) -> new AtomicInteger()).incrementAndGet();
			if (attempt < 3) {
				throw new IllegalStateException("attempt " + attempt + " fails");
			}
			return attempt;
		});
		finished("flaky").incrementAndGet();
		return value;
	}

	@InngestFunction(id = "latency", event = "bench/latency")
	void latency(Event event, Step step) {
		long sentAt = ((Number) event.data().get("sentNanos")).longValue();
		step.run("first", () -> this.latencies.add(System.nanoTime() - sentAt));
		finished("latency").incrementAndGet();
	}

	List<Long> latencies() {
		return List.copyOf(this.latencies);
	}

}
