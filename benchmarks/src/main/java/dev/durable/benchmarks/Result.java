package dev.durable.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measured result, written as one JSON line.
 *
 * @param workload W1 to W5
 * @param database h2 or postgresql
 * @param figures the measured figures, by name
 */
record Result(String workload, String database, Map<String, Object> figures) {

	Map<String, Object> toMap() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("workload", this.workload);
		map.put("database", this.database);
		map.putAll(this.figures);
		return map;
	}

}
