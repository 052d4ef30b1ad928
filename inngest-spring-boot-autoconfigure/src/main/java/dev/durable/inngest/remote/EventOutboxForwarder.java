package dev.durable.inngest.remote;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.remote.EventOutbox.Batch;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Sends the batches of the {@link EventOutbox} to the Event API on a thread of its own: a
 * new batch as soon as the transaction that wrote it has committed, and, every poll
 * interval, the batches that are available (left by an instance that stopped before it
 * sent them, or whose send failed). A batch the Event API has taken is deleted; one it
 * has not is tried again after a back-off that doubles with each failed try, up to a
 * maximum, or after what the API's {@code Retry-After} asked. A batch is never given up:
 * a refused event key, say, is fixed by configuration, after which the batch goes out.
 */
public final class EventOutboxForwarder implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(EventOutboxForwarder.class);

	private static final int BATCHES_PER_POLL = 100;

	private final EventOutbox outbox;

	private final EventApi api;

	private final Duration pollInterval;

	private final Duration initialDelay;

	private final Duration maxDelay;

	private volatile @Nullable ScheduledExecutorService executor;

	/**
	 * Creates a forwarder.
	 * @param outbox the outbox
	 * @param api the Event API
	 * @param pollInterval how often it looks for available batches
	 * @param initialDelay the wait before a batch whose send failed is tried again,
	 * doubled with each further failure
	 * @param maxDelay the longest wait before such a batch is tried again
	 */
	public EventOutboxForwarder(EventOutbox outbox, EventApi api, Duration pollInterval, Duration initialDelay,
			Duration maxDelay) {
		this.outbox = outbox;
		this.api = api;
		this.pollInterval = pollInterval;
		this.initialDelay = initialDelay;
		this.maxDelay = maxDelay;
	}

	@Override
	public synchronized void start() {
		if (this.executor != null) {
			return;
		}
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
				new CustomizableThreadFactory("inngest-outbox-"));
		executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		executor.scheduleWithFixedDelay(this::forwardAvailable, 0, this.pollInterval.toMillis(), TimeUnit.MILLISECONDS);
		this.executor = executor;
	}

	@Override
	public synchronized void stop() {
		ScheduledExecutorService executor = this.executor;
		if (executor == null) {
			return;
		}
		this.executor = null;
		executor.shutdown();
		try {
			if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
				executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

	/**
	 * Sends a batch whose transaction has just committed, on the forwarder's thread. If
	 * the forwarder is stopped, the batch waits in the outbox for the next start.
	 * @param id the batch's id
	 */
	public void forwardNow(String id) {
		ScheduledExecutorService executor = this.executor;
		if (executor == null) {
			return;
		}
		try {
			executor.execute(() -> guarded(() -> this.outbox.find(id).ifPresent(this::forward)));
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// Stopping: the batch stays in the outbox for the next start.
		}
	}

	/**
	 * Sends the batches that are available now, each claimed first.
	 * @return how many batches it sent
	 */
	public int forwardAvailable() {
		int[] sent = { 0 };
		guarded(() -> {
			List<String> ids = this.outbox.available(BATCHES_PER_POLL);
			for (String id : ids) {
				Optional<Batch> batch = this.outbox.claim(id);
				if (batch.isPresent() && forward(batch.get())) {
					sent[0]++;
				}
			}
		});
		return sent[0];
	}

	private boolean forward(Batch batch) {
		try {
			this.api.send(batch.events().getBytes(StandardCharsets.UTF_8));
		}
		catch (RuntimeException ex) {
			Duration delay = delay(batch.attempts() + 1, ex);
			logger.warn("Could not send the events of outbox batch " + batch.id() + " (try " + (batch.attempts() + 1)
					+ "); trying again in " + delay + ": " + ex.getMessage());
			this.outbox.retryLater(batch.id(), delay, String.valueOf(ex.getMessage()));
			return false;
		}
		this.outbox.delete(batch.id());
		return true;
	}

	private Duration delay(int failures, RuntimeException ex) {
		Duration delay = this.initialDelay.multipliedBy(1L << Math.min(failures - 1, 20));
		if (delay.compareTo(this.maxDelay) > 0) {
			delay = this.maxDelay;
		}
		if (ex instanceof EventApiException failure && failure.retryAfter() != null
				&& failure.retryAfter().compareTo(delay) > 0) {
			return failure.retryAfter();
		}
		return delay;
	}

	private void guarded(Runnable work) {
		try {
			work.run();
		}
		catch (RuntimeException ex) {
			// A database that cannot be reached now may be reachable at the next poll.
			logger.warn("Forwarding the event outbox failed; trying again at the next poll", ex);
		}
	}

	@Override
	public int getPhase() {
		// Stopped after the web server's graceful shutdown, so that requests finishing
		// then still
		// have their events sent at once.
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

}
