package dev.durable.inngest.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.durable.inngest.engine.store.AttemptRecord;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepResolution;
import dev.durable.inngest.engine.store.StepStatus;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.memory.InMemoryInngestStore.AttemptKey;
import dev.durable.inngest.memory.InMemoryInngestStore.RowKey;

import static dev.durable.inngest.memory.InMemoryInngestStore.stored;

/**
 * The steps and failed attempts of an {@link InMemoryInngestStore}. A run's steps are
 * those stored on their own and the one the run completed with, which its completion kept
 * with it.
 */
final class InMemoryStepStore implements StepStore {

	private static final String BODY = "";

	private static final Comparator<StepRecord> STARTED = Comparator.comparing(StepRecord::startedAt)
		.thenComparing(StepRecord::key);

	private static final Comparator<AttemptRecord> FAILED = Comparator.comparing(AttemptRecord::failedAt)
		.thenComparingInt(AttemptRecord::attempt);

	private final InMemoryInngestStore store;

	InMemoryStepStore(InMemoryInngestStore store) {
		this.store = store;
	}

	@Override
	public List<StepRecord> findByRun(String runId) {
		return this.store.locked(() -> {
			RunRow run = this.store.runs.get(runId);
			StepRecord last = (run != null) ? run.lastStep : null;
			List<StepRecord> steps = new ArrayList<>();
			for (StepRecord step : this.store.steps.range(RowKey.first(runId), RowKey.after(runId)).values()) {
				// A row of its own for the run's last step was stored after the run
				// ended, by an instance that had lost the run: the step the run ended
				// with is the one kept.
				if (last == null || !last.key().equals(step.key())) {
					steps.add(step);
				}
			}
			if (last != null) {
				steps.add(last);
			}
			steps.sort(STARTED);
			return steps;
		});
	}

	@Override
	public void insert(StepRecord step) {
		this.store.locked(() -> insert(this.store, step));
	}

	/** Stores a step in a row of its own; the store's lock is held. */
	static void insert(InMemoryInngestStore store, StepRecord step) {
		RowKey key = new RowKey(step.runId(), step.key());
		if (store.steps.contains(key)) {
			throw InMemoryInngestStore.duplicate("steps", key);
		}
		store.steps.put(key,
				new StepRecord(step.runId(), step.key(), step.stepId(), step.kind(), step.status(), step.attempts(),
						step.output(), step.error(), stored(step.wakeAt()), stored(step.startedAt()),
						stored(step.endedAt())));
	}

	@Override
	public boolean update(StepResolution step) {
		return this.store.locked(() -> {
			RowKey key = new RowKey(step.runId(), step.key());
			StepRecord current = this.store.steps.get(key);
			if (current == null || current.status() == StepStatus.COMPLETED) {
				return false;
			}
			this.store.steps.put(key,
					new StepRecord(current.runId(), current.key(), current.stepId(), current.kind(), step.status(),
							step.attempts(), step.output(), step.error(),
							(step.wakeAt() != null) ? stored(step.wakeAt()) : current.wakeAt(), current.startedAt(),
							stored(step.endedAt())));
			return true;
		});
	}

	@Override
	public int cancelPending(String runId, Instant now) {
		return this.store.locked(() -> {
			List<StepRecord> pending = new ArrayList<>();
			for (StepRecord step : this.store.steps.range(RowKey.first(runId), RowKey.after(runId)).values()) {
				StepStatus status = step.status();
				if (status == StepStatus.SLEEPING || status == StepStatus.WAITING || status == StepStatus.RETRYING) {
					pending.add(step);
				}
			}
			for (StepRecord step : pending) {
				this.store.steps.put(new RowKey(runId, step.key()),
						new StepRecord(step.runId(), step.key(), step.stepId(), step.kind(), StepStatus.CANCELLED,
								step.attempts(), step.output(), step.error(), step.wakeAt(), step.startedAt(),
								stored(now)));
			}
			return pending.size();
		});
	}

	@Override
	public void recordAttempt(AttemptRecord attempt) {
		this.store.locked(() -> {
			AttemptKey key = new AttemptKey(attempt.runId(), (attempt.stepKey() != null) ? attempt.stepKey() : BODY,
					attempt.attempt());
			if (this.store.attempts.contains(key)) {
				throw InMemoryInngestStore.duplicate("attempts", key);
			}
			this.store.attempts.put(key,
					new AttemptRecord(attempt.runId(), BODY.equals(key.stepKey()) ? null : key.stepKey(),
							attempt.attempt(), attempt.error(), stored(attempt.failedAt())));
		});
	}

	@Override
	public List<AttemptRecord> attempts(String runId) {
		return this.store.locked(() -> {
			List<AttemptRecord> attempts = new ArrayList<>(
					this.store.attempts.range(AttemptKey.first(runId), AttemptKey.after(runId)).values());
			attempts.sort(FAILED);
			return attempts;
		});
	}

}
