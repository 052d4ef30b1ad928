package dev.durable.benchmarks;

import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

import dev.durable.benchmarks.Benchmark.Clocks;
import dev.durable.benchmarks.Benchmark.Round;

/**
 * W8 and its peers P3 and P4: one event per {@code send} (one job per {@code schedule} or
 * {@code enqueue} for the peers), as a controller or a listener sends, from one thread or
 * several at once (the workload's suffix: {@code W8-16} sends from 16). The JVM's first
 * round is measured cold, before any warm-up, and reports the time from the JVM's start
 * to the first run executed; then the workload is warmed up and measured as W1 is. Each
 * call is timed, for the latency of one send.
 */
final class SendPerCall {

	/** Events or jobs per round, as W1's runs. */
	static final int CALLS = 10_000;

	/**
	 * Calls slower than this many microseconds are printed after each cold or measured
	 * round ({@code bench.slowCallMicros}), each as when it began, in milliseconds into
	 * the round, and how long it took, to see whether the slow ones come together; none
	 * unless set.
	 */
	private static final long SLOW_CALL_NANOS = Long.getLong("bench.slowCallMicros", 0) * 1000;

	/** When the first run or job of the JVM executed, in epoch milliseconds; 0 before. */
	private static final AtomicLong firstRun = new AtomicLong();

	private SendPerCall() {
	}

	/**
	 * Notes that a run or a job executed, for the time to the first one.
	 */
	static void ran() {
		if (firstRun.get() == 0) {
			firstRun.compareAndSet(0, System.currentTimeMillis());
		}
	}

	/**
	 * Measures a cold round, warms up, and measures the warm rounds.
	 * @param benchmark warms up as every workload is
	 * @param threads how many threads send at once
	 * @param call sends the event, or schedules the job, of this number
	 * @param completion how to wait for a round's runs or jobs to have executed
	 * @return the figures
	 */
	static Map<String, Object> measure(Benchmark benchmark, int threads, IntConsumer call, Completion completion)
			throws SQLException {
		List<long[]> cold = new ArrayList<>();
		if (Benchmark.PROFILE_COLD != null) {
			Benchmark.profile("start," + Benchmark.profileEvent());
		}
		Clocks coldRound = round(CALLS, threads, call, completion, cold).run();
		if (Benchmark.PROFILE_COLD != null) {
			Benchmark.stopProfile(Benchmark.PROFILE_COLD);
		}
		long firstRunMillis = firstRun.get() - ManagementFactory.getRuntimeMXBean().getStartTime();
		benchmark.warmUp(round(Benchmark.WARM_UP, threads, call, completion, new ArrayList<>()));
		List<long[]> warm = new ArrayList<>();
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("threads", threads);
		figures.put("coldRunsPerSecond", (double) Math.round(CALLS / (coldRound.nanos() / 1e9)));
		figures.put("coldSendP50Micros", percentileMicros(cold, 0.50));
		figures.put("coldSendP99Micros", percentileMicros(cold, 0.99));
		figures.put("firstRunMillisFromJvmStart", firstRunMillis);
		figures.putAll(Benchmark.rounds(CALLS, round(CALLS, threads, call, completion, warm)));
		figures.put("sendP50Micros", percentileMicros(warm, 0.50));
		figures.put("sendP99Micros", percentileMicros(warm, 0.99));
		return figures;
	}

	/**
	 * One round: {@code count} calls shared between the threads, each thread taking every
	 * {@code senders}-th number, each call timed into {@code latencies}; over when every
	 * run or job has executed.
	 */
	private static Round round(int count, int senders, IntConsumer call, Completion completion,
			List<long[]> latencies) {
		return () -> {
			Runnable awaitAll = completion.after(count);
			long[] nanos = new long[count];
			long[] began = new long[count];
			Clocks start = Clocks.read();
			long startNanos = System.nanoTime();
			List<Thread> threads = new ArrayList<>();
			List<Throwable> failures = new ArrayList<>();
			for (int t = 0; t < senders; t++) {
				int first = t;
				Thread thread = new Thread(() -> {
					for (int n = first; n < count; n += senders) {
						long before = System.nanoTime();
						call.accept(n);
						nanos[n] = System.nanoTime() - before;
						began[n] = before - startNanos;
					}
				}, "sender-" + t);
				thread.setUncaughtExceptionHandler((failed, ex) -> {
					synchronized (failures) {
						failures.add(ex);
					}
				});
				threads.add(thread);
				thread.start();
			}
			for (Thread thread : threads) {
				try {
					thread.join();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
			}
			if (!failures.isEmpty()) {
				throw new IllegalStateException("A sender failed", failures.get(0));
			}
			awaitAll.run();
			Clocks over = Clocks.read().since(start);
			latencies.add(nanos);
			if (SLOW_CALL_NANOS > 0 && count == CALLS) {
				printSlowCalls(nanos, began);
			}
			return over;
		};
	}

	private static void printSlowCalls(long[] nanos, long[] began) {
		StringBuilder slow = new StringBuilder(
				"Calls slower than " + SLOW_CALL_NANOS / 1000 + " µs (ms into the round: µs):");
		for (int n = 0; n < nanos.length; n++) {
			if (nanos[n] > SLOW_CALL_NANOS) {
				slow.append(' ').append(began[n] / 1_000_000).append(": ").append(nanos[n] / 1000);
			}
		}
		System.err.println(slow);
	}

	private static double percentileMicros(List<long[]> rounds, double percentile) {
		long[] all = rounds.stream().flatMapToLong(Arrays::stream).sorted().toArray();
		int index = (int) Math.ceil(all.length * percentile) - 1;
		return Math.round(all[Math.max(0, index)] / 100.0) / 10.0;
	}

	/**
	 * Waits for a round's runs or jobs.
	 */
	@FunctionalInterface
	interface Completion {

		/**
		 * Reads what has executed so far, before a round's calls.
		 * @param count how many the round calls for
		 * @return waits until that many more have executed and none is left to execute
		 */
		Runnable after(int count);

	}

}
