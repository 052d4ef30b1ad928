package dev.durable.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.Step;
import dev.durable.inngest.function.FunctionDiscoverer;
import dev.durable.inngest.remote.CallRequest;
import dev.durable.inngest.remote.CallResponse;
import dev.durable.inngest.remote.CanonicalJson;
import dev.durable.inngest.remote.RemoteCalls;
import dev.durable.inngest.remote.RequestVerifier;
import dev.durable.inngest.remote.RunPayloads;
import dev.durable.inngest.remote.SigningKey;
import dev.durable.inngest.remote.StepIds;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * R1, remote mode's server time for one call request: a signed request carrying a run's
 * event and its 100 memoized steps, whose signature is checked ({@link RequestVerifier})
 * and which is answered with the next step's op ({@link RemoteCalls}: the body replays
 * the 100 steps, reading each value into its record type, and executes the 101st). No
 * HTTP and no database: what the application spends on a call besides its transport.
 * Prints one JSON line.
 * <p>
 * {@code java -cp ... dev.durable.benchmarks.RemoteCallBenchmark [warm-up seconds] [measured calls]}
 */
public final class RemoteCallBenchmark {

	private static final String KEY = "signkey-bench-8f3a1c5e9b2d4f6071a3c5e7092b4d6f";

	private static final int MEMOIZED = 100;

	private RemoteCallBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int warmUpSeconds = (args.length > 0) ? Integer.parseInt(args[0]) : 20;
		int calls = (args.length > 1) ? Integer.parseInt(args[1]) : 20_000;
		JsonMapper mapper = JsonMapper.shared();
		FunctionDiscoverer discoverer = new FunctionDiscoverer();
		discoverer.postProcessAfterInitialization(new Functions(), "functions");
		discoverer.afterSingletonsInstantiated();
		RemoteCalls handler = new RemoteCalls("bench", discoverer.registry(), mapper, (events) -> List.of(),
				new NoPayloads(), Clock.systemUTC());
		RequestVerifier verifier = new RequestVerifier(SigningKey.of(KEY), null, Clock.systemUTC());
		byte[] body = body(mapper);
		String signature = SigningKey.of(KEY).signatureHeader(body, Instant.now().getEpochSecond());
		String next = StepIds.hash("item:" + MEMOIZED);

		long warmUpEnd = System.nanoTime() + warmUpSeconds * 1_000_000_000L;
		int warmUpCalls = 0;
		while (System.nanoTime() < warmUpEnd) {
			answer(handler, verifier, signature, body, next);
			warmUpCalls++;
		}
		long[] nanos = new long[calls];
		// The thread's CPU time too: on a machine shared with other work, the wall-clock
		// percentiles include time the thread was not scheduled.
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long cpuStart = threads.getCurrentThreadCpuTime();
		long start = System.nanoTime();
		for (int i = 0; i < calls; i++) {
			long begin = System.nanoTime();
			answer(handler, verifier, signature, body, next);
			nanos[i] = System.nanoTime() - begin;
		}
		long total = System.nanoTime() - start;
		long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
		Arrays.sort(nanos);
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("workload", "R1");
		result.put("memoizedSteps", MEMOIZED);
		result.put("bodyBytes", body.length);
		result.put("warmUpCalls", warmUpCalls);
		result.put("calls", calls);
		result.put("p50Ms", millis(nanos[calls / 2]));
		result.put("p99Ms", millis(nanos[(int) (calls * 0.99)]));
		result.put("maxMs", millis(nanos[calls - 1]));
		result.put("callsPerSecond", Math.round(calls / (total / 1e9)));
		result.put("cpuMsPerCall", millis(cpu / calls));
		result.put("java", Runtime.version().toString());
		System.out.println(mapper.writeValueAsString(result));
	}

	private static void answer(RemoteCalls handler, RequestVerifier verifier, String signature, byte[] body,
			String next) {
		if (verifier.verify(signature, body).isEmpty()) {
			throw new IllegalStateException("The signature did not verify");
		}
		CallResponse response = handler.call(new CallRequest("bench-hundred-steps", "step", body));
		if (response.status() != 206 || !response.body().contains(next)) {
			throw new IllegalStateException("Unexpected answer " + response.status() + ": " + response.body());
		}
	}

	private static double millis(long nanos) {
		return Math.round(nanos / 1_000.0) / 1_000.0;
	}

	private static byte[] body(JsonMapper mapper) {
		Map<String, Object> steps = new LinkedHashMap<>();
		for (int i = 0; i < MEMOIZED; i++) {
			steps.put(StepIds.hash((i == 0) ? "item" : "item:" + i),
					Map.of("data", Map.of("n", i, "sku", "SKU-" + (100_000 + i), "label",
							"Item number " + i + " of the order, with a label of a realistic length")));
		}
		Map<String, Object> event = Map.of("name", "bench/hundred-steps", "data", Map.of("orderId", "A-1001"), "user",
				Map.of(), "id", "01JBENCH0000000000000000", "ts", 1_735_689_600_000L);
		Map<String, Object> ctx = new LinkedHashMap<>();
		ctx.put("run_id", "01JBENCHRUN0000000000000000");
		ctx.put("attempt", 0);
		ctx.put("max_attempts", 4);
		ctx.put("stack", Map.of("stack", List.copyOf(steps.keySet()), "current", MEMOIZED));
		ctx.put("disable_immediate_execution", false);
		ctx.put("use_api", false);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("event", event);
		body.put("events", List.of(event));
		body.put("steps", steps);
		body.put("ctx", ctx);
		body.put("version", 2);
		return CanonicalJson.canonicalize(mapper.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
	}

	/** The function: a loop of steps whose values are records. */
	public static class Functions {

		@InngestFunction(id = "hundred-steps", event = "bench/hundred-steps")
		public int hundredSteps(Step step) {
			int total = 0;
			for (int i = 0; i <= MEMOIZED; i++) {
				int n = i;
				Item item = step.run("item", Item.class, () -> new Item(n, "SKU-" + (100_000 + n), "new"));
				total += item.n();
			}
			return total;
		}

	}

	/** A step's value. */
	public record Item(int n, String sku, String label) {
	}

	private static final class NoPayloads implements RunPayloads {

		@Override
		public JsonNode events(String runId) {
			throw new IllegalStateException("Not used");
		}

		@Override
		public JsonNode steps(String runId) {
			throw new IllegalStateException("Not used");
		}

	}

}
