package dev.durable.inngest.executor;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.engine.RunScheduler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Reads the synced apps at start-up, before the engine starts, and again at an interval,
 * so that every instance runs the functions an app synced to any of them.
 */
public final class AppRefresher implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(AppRefresher.class);

	private final ServedApps apps;

	private final Duration interval;

	private @Nullable ScheduledExecutorService scheduler;

	/**
	 * Creates a refresher.
	 * @param apps the apps
	 * @param interval how often they are read again
	 */
	public AppRefresher(ServedApps apps, Duration interval) {
		this.apps = apps;
		this.interval = interval;
	}

	@Override
	public synchronized void start() {
		this.apps.refresh();
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "inngest-executor-apps");
			thread.setDaemon(true);
			return thread;
		});
		long millis = Math.max(1, this.interval.toMillis());
		this.scheduler.scheduleWithFixedDelay(this::refresh, millis, millis, TimeUnit.MILLISECONDS);
	}

	private void refresh() {
		try {
			this.apps.refresh();
		}
		catch (RuntimeException ex) {
			logger.warn("Reading the synced apps failed; trying again in " + this.interval, ex);
		}
	}

	@Override
	public synchronized void stop() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
			this.scheduler = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.scheduler != null;
	}

	/**
	 * Before the engine's scheduler, so that runs of served functions find them.
	 */
	@Override
	public int getPhase() {
		return RunScheduler.PHASE - 1;
	}

}
