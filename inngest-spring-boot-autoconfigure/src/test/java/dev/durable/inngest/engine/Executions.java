package dev.durable.inngest.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records what test functions executed: each step body and body attempt, per run key,
 * with when.
 */
public class Executions {

	private final Map<String, List<Instant>> hits = new ConcurrentHashMap<>();

	private final Map<String, List<Object>> values = new ConcurrentHashMap<>();

	/**
	 * Records an execution.
	 * @param key the run's key
	 * @param what the step or body
	 * @return how many times it has executed, this one included
	 */
	public int hit(String key, String what) {
		List<Instant> list = this.hits.computeIfAbsent(key + "/" + what, (k) -> new CopyOnWriteArrayList<>());
		list.add(Instant.now());
		return list.size();
	}

	public int count(String key, String what) {
		return times(key, what).size();
	}

	public List<Instant> times(String key, String what) {
		return this.hits.getOrDefault(key + "/" + what, List.of());
	}

	public void record(String key, String what, Object value) {
		this.values.computeIfAbsent(key + "/" + what, (k) -> new CopyOnWriteArrayList<>()).add(value);
	}

	public List<Object> recorded(String key, String what) {
		return this.values.getOrDefault(key + "/" + what, List.of());
	}

}
