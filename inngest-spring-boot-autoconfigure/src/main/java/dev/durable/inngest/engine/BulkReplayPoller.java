package dev.durable.inngest.engine;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Processes the bulk replays under way, a few batches at each poll interval, on a thread
 * of its own: a replay starts runs, which the engine's workers then take as any other.
 */
public final class BulkReplayPoller implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(BulkReplayPoller.class);

	private final RunReplays replays;

	private final Duration interval;

	private boolean autoStartup = true;

	private volatile ScheduledExecutorService executor;

	/**
	 * Creates the poller.
	 * @param replays the replays
	 * @param interval how often to look for replays under way
	 */
	public BulkReplayPoller(RunReplays replays, Duration interval) {
		this.replays = replays;
		this.interval = interval;
	}

	/**
	 * Whether it starts with the application context.
	 * @param autoStartup {@code false} to leave it to be started by hand
	 */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	@Override
	public synchronized void start() {
		if (this.executor != null) {
			return;
		}
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "inngest-replays");
			thread.setDaemon(true);
			return thread;
		});
		long millis = Math.max(1, this.interval.toMillis());
		this.executor.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
	}

	private void poll() {
		try {
			this.replays.process();
		}
		catch (RuntimeException ex) {
			logger.warn("Processing bulk replays failed; trying again in " + this.interval, ex);
		}
	}

	@Override
	public synchronized void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

	@Override
	public int getPhase() {
		// Stopped before the engine's workers, started after them.
		return RunScheduler.PHASE + 1;
	}

}
