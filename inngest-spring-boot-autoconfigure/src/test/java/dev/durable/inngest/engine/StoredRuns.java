package dev.durable.inngest.engine;

import java.util.List;

import dev.durable.inngest.RunQuery;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runs a store holds, for tests that read them back.
 */
public final class StoredRuns {

	private StoredRuns() {
	}

	/**
	 * The one run a store holds, asserting that it holds exactly one.
	 * @param runs the store
	 * @return its run
	 */
	public static RunRecord onlyRun(RunStore runs) {
		List<RunRecord> all = runs.list(RunQuery.all(10));
		assertThat(all).as("the runs stored").hasSize(1);
		return all.get(0);
	}

}
