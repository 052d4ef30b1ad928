package dev.durable.inngest.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import dev.durable.inngest.Event;
import dev.durable.inngest.FailureContext;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.OnFailure;
import dev.durable.inngest.Retries;
import dev.durable.inngest.Step;

/**
 * Functions that return what cannot be stored, throw errors or run too long (what they do
 * chosen by their event's data), and a healthy function to run beside them.
 */
public class PoisonFunctions {

	final List<FailureContext> handled = new CopyOnWriteArrayList<>();

	private final Map<String, CountDownLatch> releases = new ConcurrentHashMap<>();

	private final Executions executions;

	public PoisonFunctions(Executions executions) {
		this.executions = executions;
	}

	static String kind(Event event) {
		return (String) event.data().get("kind");
	}

	@InngestFunction(id = "healthy", event = "test/healthy")
	String healthy(Event event, Step step) {
		return step.run("work", String.class, () -> "healthy");
	}

	@InngestFunction(id = "large-step-output", event = "test/large-step-output")
	int largeStepOutput(Event event, Step step) {
		int size = ((Number) event.data().get("size")).intValue();
		return step.run("load", String.class, () -> {
			this.executions.hit(RetryFunctions.key(event), "load");
			return "é".repeat(size);
		}).length();
	}

	@InngestFunction(id = "large-run-output", event = "test/large-run-output")
	String largeRunOutput(Event event) {
		this.executions.hit(RetryFunctions.key(event), "body");
		return "x".repeat(((Number) event.data().get("size")).intValue());
	}

	@InngestFunction(id = "unwritable-step-output", event = "test/unwritable-step-output")
	String unwritableStepOutput(Event event, Step step) {
		step.run("load", Object.class, () -> {
			this.executions.hit(RetryFunctions.key(event), "load");
			return Unwritable.of(kind(event));
		});
		return "not reached";
	}

	@InngestFunction(id = "unwritable-run-output", event = "test/unwritable-run-output")
	Object unwritableRunOutput(Event event) {
		this.executions.hit(RetryFunctions.key(event), "body");
		return Unwritable.of(kind(event));
	}

	@InngestFunction(id = "error-in-step", event = "test/error-in-step")
	@Retries(1)
	void errorInStep(Event event, Step step) {
		step.run("throws", () -> {
			this.executions.hit(RetryFunctions.key(event), "throws");
			throw error(kind(event));
		});
	}

	@OnFailure(function = "error-in-step")
	void errorInStepFailed(FailureContext failure) {
		this.handled.add(failure);
	}

	@InngestFunction(id = "error-in-body", event = "test/error-in-body")
	@Retries(1)
	void errorInBody(Event event) {
		this.executions.hit(RetryFunctions.key(event), "body");
		throw error(kind(event));
	}

	@InngestFunction(id = "slow-step", event = "test/slow-step")
	@Retries(1)
	String slowStep(Event event, Step step) {
		String key = RetryFunctions.key(event);
		return step.run("slow", String.class, () -> {
			if (this.executions.hit(key, "slow") <= RetryFunctions.fail(event)) {
				Thread.sleep(60_000);
			}
			return "fast";
		});
	}

	@InngestFunction(id = "slow-body", event = "test/slow-body")
	@Retries(1)
	void slowBody(Event event) throws InterruptedException {
		this.executions.hit(RetryFunctions.key(event), "body");
		Thread.sleep(60_000);
	}

	@InngestFunction(id = "slow-between-steps", event = "test/slow-between-steps")
	@Retries(0)
	void slowBetweenSteps(Event event, Step step) {
		String key = RetryFunctions.key(event);
		step.run("before", () -> this.executions.hit(key, "before"));
		sleepUninterruptibly(Duration.ofMillis(1500));
		step.run("after", () -> this.executions.hit(key, "after"));
	}

	@InngestFunction(id = "stubborn-step", event = "test/stubborn-step")
	String stubbornStep(Event event, Step step) {
		String key = RetryFunctions.key(event);
		return step.run("stubborn", String.class, () -> {
			CountDownLatch release = release(key);
			this.executions.hit(key, "stubborn");
			while (true) {
				try {
					release.await();
					return "finished anyway";
				}
				catch (InterruptedException ex) {
					this.executions.hit(key, "interrupted");
				}
			}
		});
	}

	CountDownLatch release(String key) {
		return this.releases.computeIfAbsent(key, (k) -> new CountDownLatch(1));
	}

	/**
	 * Sleeps through interrupts, and keeps the thread interrupted if it was, as Guava's
	 * does.
	 */
	private static void sleepUninterruptibly(Duration duration) {
		long end = System.nanoTime() + duration.toNanos();
		boolean interrupted = false;
		while (System.nanoTime() < end) {
			try {
				Thread.sleep(Math.max(1, (end - System.nanoTime()) / 1_000_000));
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	static Error error(String kind) {
		return switch (kind) {
			case "stack-overflow" -> overflow(0);
			case "assertion" -> new AssertionError("invariant broken");
			case "no-class-def" -> new NoClassDefFoundError("com/example/Missing");
			case "out-of-memory" -> new OutOfMemoryError("Requested array size exceeds VM limit");
			default -> throw new IllegalArgumentException(kind);
		};
	}

	private static Error overflow(int depth) {
		return (depth < Integer.MAX_VALUE) ? overflow(depth + 1) : new AssertionError("no overflow");
	}

	/**
	 * Values Jackson cannot write.
	 */
	static final class Unwritable {

		private Unwritable() {
		}

		static Object of(String kind) {
			return switch (kind) {
				case "cycle" -> Node.cycle();
				case "throwing-getter" -> new Invoice();
				default -> throw new IllegalArgumentException(kind);
			};
		}

	}

	public static final class Node {

		private Node next;

		static Node cycle() {
			Node first = new Node();
			Node second = new Node();
			first.next = second;
			second.next = first;
			return first;
		}

		public Node getNext() {
			return this.next;
		}

	}

	public static final class Invoice {

		public long getTotal() {
			throw new IllegalStateException("total not loaded");
		}

	}

}
