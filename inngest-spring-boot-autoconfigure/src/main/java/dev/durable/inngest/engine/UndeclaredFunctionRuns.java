package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.function.FunctionRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * The runs that have not ended of functions that this application does not declare, as
 * after a deployment that removed or renamed a function. They are neither failed nor
 * cancelled: with several instances, an older or a newer one may declare the function and
 * run them, and this instance leaves them due for it (its polls look only for runs of its
 * own functions), so they count in the backlog. Their functions start no new runs here,
 * as Inngest's removed functions do not. Said in the log at start-up, with the function
 * ids and counts, and shown by the health indicator.
 */
public final class UndeclaredFunctionRuns implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(UndeclaredFunctionRuns.class);

	/** How long a count is kept before the store is asked again. */
	private static final Duration FRESHNESS = Duration.ofSeconds(5);

	private final RunStore runs;

	private final Supplier<FunctionRegistry> registry;

	private final Clock clock;

	private volatile @Nullable Counted last;

	/**
	 * Creates the counts.
	 * @param runs the run store
	 * @param registry the functions this application declares
	 * @param clock the clock
	 */
	public UndeclaredFunctionRuns(RunStore runs, Supplier<FunctionRegistry> registry, Clock clock) {
		this.runs = runs;
		this.registry = registry;
		this.clock = clock;
	}

	/**
	 * How many runs that have not ended each function that this application does not
	 * declare has, read from the store at most every few seconds.
	 * @return counts by function id; empty if there are none
	 */
	public Map<String, Long> counts() {
		Instant now = this.clock.instant();
		Counted counted = this.last;
		if (counted == null || counted.at().plus(FRESHNESS).isBefore(now)) {
			counted = new Counted(now, read());
			this.last = counted;
		}
		return counted.counts();
	}

	private Map<String, Long> read() {
		FunctionRegistry functions = this.registry.get();
		Map<String, Long> undeclared = new LinkedHashMap<>();
		this.runs.countUnendedByFunction().forEach((functionId, count) -> {
			if (functions.find(functionId).isEmpty()) {
				undeclared.put(functionId, count);
			}
		});
		return Map.copyOf(undeclared);
	}

	@Override
	public void afterSingletonsInstantiated() {
		Map<String, Long> counts = counts();
		if (counts.isEmpty()) {
			return;
		}
		String functions = counts.entrySet()
			.stream()
			.map((entry) -> "'" + entry.getKey() + "' (" + entry.getValue() + ")")
			.collect(Collectors.joining(", "));
		logger.warn("Runs of functions that this application does not declare have not ended: " + functions
				+ ". This instance starts none of them: they stay queued for an instance that declares the "
				+ "function (an older or newer deployment) and count in the backlog. If a function is gone for "
				+ "good, cancel its runs (InngestRuns.cancel, or DELETE /actuator/inngest/runs/{id}).");
	}

	private record Counted(Instant at, Map<String, Long> counts) {

	}

}
