package dev.durable.inngest.remote;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import dev.durable.inngest.remote.AppSync.SyncState;
import dev.durable.inngest.remote.SyncClient.SyncResult;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Syncs the functions once the application has started, in a background thread so that a
 * platform that is down neither delays nor fails the start: a sync that fails because the
 * platform cannot be reached or answers with a server error is retried with exponential
 * back-off until it succeeds, a PUT has synced meanwhile, or the application stops. A
 * sync the platform refuses (a bad key, an invalid configuration) is not retried: it is
 * logged and shown by the health indicator.
 */
public final class StartupSync implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(StartupSync.class);

	private final AppSync sync;

	private final Supplier<@Nullable String> appUrl;

	private final String apiOrigin;

	private final Duration initialInterval;

	private final Duration maxInterval;

	private final Clock clock;

	private volatile @Nullable Thread thread;

	private volatile boolean running;

	/**
	 * Creates the lifecycle.
	 * @param sync syncs
	 * @param appUrl the URL to sync, known once the web server has started; {@code null}
	 * if it cannot be known, and then nothing is synced until the platform sends a PUT
	 * @param apiOrigin the platform's API origin, for the log
	 * @param initialInterval the wait before the first retry
	 * @param maxInterval the longest wait between retries
	 * @param clock the clock
	 */
	public StartupSync(AppSync sync, Supplier<@Nullable String> appUrl, String apiOrigin, Duration initialInterval,
			Duration maxInterval, Clock clock) {
		this.sync = sync;
		this.appUrl = appUrl;
		this.apiOrigin = apiOrigin;
		this.initialInterval = initialInterval;
		this.maxInterval = maxInterval;
		this.clock = clock;
	}

	@Override
	public void start() {
		this.running = true;
		String url = this.appUrl.get();
		if (url == null) {
			logger.info("Inngest functions are not synced at start-up: set inngest.serve-origin to the "
					+ "application's public origin to sync them, or sync from the Inngest platform, whose PUT "
					+ "to the serve endpoint is signed");
			return;
		}
		Instant startedAt = this.clock.instant();
		Thread worker = new Thread(() -> run(url, startedAt), "inngest-sync");
		worker.setDaemon(true);
		this.thread = worker;
		worker.start();
	}

	private void run(String url, Instant startedAt) {
		ExponentialBackOff backOff = new ExponentialBackOff(Math.max(1, this.initialInterval.toMillis()), 2.0);
		backOff.setMaxInterval(Math.max(1, this.maxInterval.toMillis()));
		RetryPolicy policy = RetryPolicy.builder()
			.backOff(backOff)
			.predicate((ex) -> ex instanceof Unreachable && this.running)
			.build();
		try {
			new RetryTemplate(policy).execute(() -> attempt(url, startedAt));
		}
		catch (RetryException ex) {
			// Stopped while waiting to retry, or refused for good: either way there is
			// nothing left to do.
		}
	}

	private @Nullable SyncResult attempt(String url, Instant startedAt) {
		SyncState state = this.sync.state();
		if (!this.running || (state.lastSyncedAt() != null && !state.lastSyncedAt().isBefore(startedAt))) {
			return null;
		}
		SyncResult result = this.sync.sync(url, null, null);
		if (result.succeeded()) {
			logger.info("Synced the Inngest functions to " + this.apiOrigin + ", served at " + url
					+ (result.modified() ? " (the configuration changed)" : ""));
			return result;
		}
		boolean retry = result.status() == 0 || result.status() == 408 || result.status() == 429
				|| result.status() >= 500;
		if (!retry) {
			logger.warn("The sync of the Inngest functions to " + this.apiOrigin + " failed and is not retried: "
					+ result.error());
			return result;
		}
		if (this.sync.state().failures() == 1) {
			logger.warn("The sync of the Inngest functions to " + this.apiOrigin + " failed, retrying in the "
					+ "background: " + result.error());
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("The sync of the Inngest functions failed again: " + result.error());
		}
		throw new Unreachable(result.error());
	}

	@Override
	public void stop() {
		this.running = false;
		Thread worker = this.thread;
		if (worker != null) {
			worker.interrupt();
			this.thread = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * A sync that failed and may succeed if tried again.
	 */
	private static final class Unreachable extends RuntimeException {

		Unreachable(@Nullable String message) {
			super(message, null, false, false);
		}

	}

}
