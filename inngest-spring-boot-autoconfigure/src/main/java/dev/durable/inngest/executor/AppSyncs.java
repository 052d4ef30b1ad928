package dev.durable.inngest.executor;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.durable.inngest.engine.Errors;
import dev.durable.inngest.executor.FunctionCalls.Answer;
import dev.durable.inngest.executor.FunctionCalls.ServedCallException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Syncs apps by their serve URL, as the Inngest server syncs the apps it is told about
 * (in-band sync, §6.4 of the SDK protocol): a signed {@code PUT} with
 * {@code X-Inngest-Sync-Kind: in_band} and {@code {"url": …}}, whose signed answer
 * carries the app's configuration, registered as a {@code POST /fn/register} is. An app
 * that does not sync in band registers itself at {@code /fn/register} before it answers,
 * which counts as a sync too.
 * <p>
 * The apps of {@code inngest.executor.apps} are synced once the application has started,
 * each in a background thread so that an app that is down neither delays nor fails the
 * start: a sync that got no answer, or a server error, is tried again a few times with
 * exponential back-off; one the app or the executor refuses is logged and not tried
 * again.
 */
public final class AppSyncs implements SmartLifecycle {

	/** How long an app may take to answer a sync, its own out-of-band sync included. */
	static final Duration TIMEOUT = Duration.ofMinutes(1);

	/** The longest wait before a sync at start-up is tried again. */
	static final Duration MAX_INTERVAL = Duration.ofSeconds(30);

	private static final Log logger = LogFactory.getLog(AppSyncs.class);

	private final ServedApps apps;

	private final FunctionCalls calls;

	private final JsonMapper mapper;

	private final List<URI> urls;

	private final Duration initialInterval;

	private final int retries;

	private final @Nullable Duration pollInterval;

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running;

	/**
	 * Creates the syncs, which try a failed sync at start-up again a few times, waiting
	 * twice as long each time, up to {@link #MAX_INTERVAL}.
	 * @param apps the synced apps
	 * @param urls the serve URLs of the apps to sync once the application has started
	 * @param mapper reads JSON
	 */
	public AppSyncs(ServedApps apps, List<URI> urls, JsonMapper mapper) {
		this(apps, urls, mapper, null);
	}

	/**
	 * Creates the syncs, which try a failed sync at start-up again a few times, as
	 * {@link #AppSyncs(ServedApps, List, JsonMapper)} does, and then, if given an
	 * interval, sync each app again at that interval for as long as the application runs.
	 * @param apps the synced apps
	 * @param urls the serve URLs of the apps to sync once the application has started
	 * @param mapper reads JSON
	 * @param pollInterval how often to sync the apps again after the start, or
	 * {@code null} to sync them once
	 */
	public AppSyncs(ServedApps apps, List<URI> urls, JsonMapper mapper, @Nullable Duration pollInterval) {
		this(apps, urls, mapper, Duration.ofSeconds(2), 5, pollInterval);
	}

	AppSyncs(ServedApps apps, List<URI> urls, JsonMapper mapper, Duration initialInterval, int retries,
			@Nullable Duration pollInterval) {
		this.apps = apps;
		this.calls = apps.calls();
		this.mapper = mapper;
		this.urls = List.copyOf(urls);
		this.initialInterval = initialInterval;
		this.retries = retries;
		this.pollInterval = pollInterval;
	}

	/**
	 * The outcome of a sync.
	 *
	 * @param url the app's serve URL
	 * @param inBand whether the app answered with its configuration; otherwise it synced
	 * itself to {@code /fn/register}
	 * @param appId the app's id, or {@code null} if it synced itself
	 * @param modified whether anything changed
	 */
	public record Outcome(URI url, boolean inBand, @Nullable String appId, boolean modified) {

	}

	/**
	 * The serve URLs of the apps synced at start-up.
	 * @return the URLs
	 */
	public List<URI> urls() {
		return this.urls;
	}

	/**
	 * Syncs an app now, once; a failure is logged and thrown.
	 * @param url the app's serve URL, such as {@code http://billing.internal/api/inngest}
	 * @return the outcome
	 * @throws AppSyncException if the app could not be reached, its answer is not signed
	 * with the executor's key, it failed, or its configuration is refused; the synced
	 * apps are unchanged then
	 */
	public Outcome sync(URI url) {
		try {
			return attempt(url, false);
		}
		catch (AppSyncException ex) {
			logger.warn(ex.getMessage());
			throw ex;
		}
	}

	private Outcome attempt(URI url, boolean quietIfUnchanged) {
		Answer answer;
		try {
			answer = this.calls.sync(url, TIMEOUT);
		}
		catch (ServedCallException ex) {
			throw new AppSyncException(url, ex.getMessage(), retryable(ex.status()));
		}
		String text = new String(answer.body(), StandardCharsets.UTF_8);
		boolean inBand = FunctionCalls.IN_BAND.equalsIgnoreCase(answer.syncKind());
		if (answer.status() != 200) {
			throw new AppSyncException(url,
					"it answered HTTP " + answer.status()
							+ ("out_of_band".equalsIgnoreCase(answer.syncKind()) ? " to its out-of-band sync" : "")
							+ (text.isBlank() ? "" : ": " + Errors.abbreviate(text)),
					retryable(answer.status()));
		}
		if (inBand) {
			try {
				ServedApps.Sync sync = this.apps.syncInBand(answer.body());
				log(quietIfUnchanged && !sync.modified(), "Synced app '" + sync.appId() + "' in band from " + url
						+ (sync.modified() ? "" : ", unchanged"));
				return new Outcome(url, true, sync.appId(), sync.modified());
			}
			catch (InvalidRegistrationException ex) {
				throw new AppSyncException(url, "its configuration is refused: " + ex.getMessage(), false);
			}
		}
		// An app that does not sync in band posted its configuration to /fn/register,
		// which stored it, before it answered with what that said.
		boolean modified = false;
		try {
			JsonNode body = this.mapper.readTree(answer.body());
			modified = body != null && body.path("modified").asBoolean(false);
		}
		catch (JacksonException ex) {
			// Its register request counted; the answer only tells whether it changed.
		}
		log(quietIfUnchanged && !modified,
				"Synced the app at " + url + " out of band" + (modified ? "" : ", unchanged"));
		return new Outcome(url, false, null, modified);
	}

	private static void log(boolean debug, String message) {
		if (!debug) {
			logger.info(message);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message);
		}
	}

	private static boolean retryable(int status) {
		return status == 0 || status == 408 || status == 429 || status >= 500;
	}

	@Override
	public synchronized void start() {
		this.running = true;
		for (URI url : this.urls) {
			Thread thread = new Thread(() -> syncAtStart(url), "inngest-executor-sync");
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	private void syncAtStart(URI url) {
		ExponentialBackOff backOff = new ExponentialBackOff(Math.max(1, this.initialInterval.toMillis()), 2.0);
		backOff.setMaxInterval(Math.max(1, MAX_INTERVAL.toMillis()));
		backOff.setMaxAttempts(this.retries);
		RetryPolicy policy = RetryPolicy.builder()
			.backOff(backOff)
			.predicate((ex) -> ex instanceof AppSyncException failure && failure.isRetryable() && this.running)
			.build();
		int[] failures = { 0 };
		try {
			new RetryTemplate(policy).execute(() -> {
				try {
					return attempt(url, false);
				}
				catch (AppSyncException ex) {
					if (!this.running) {
						return null;
					}
					if (!ex.isRetryable()) {
						logger.warn(ex.getMessage() + "; not tried again");
					}
					else if (failures[0]++ < this.retries) {
						logger.warn(ex.getMessage() + "; trying again in the background");
					}
					else {
						logger.warn(ex.getMessage() + "; given up after " + failures[0] + " attempts");
					}
					throw ex;
				}
			});
		}
		catch (RetryException ex) {
			// Logged above, or stopped while waiting to retry.
		}
		if (this.pollInterval != null) {
			poll(url, this.pollInterval);
		}
	}

	/**
	 * Syncs an app again at an interval until the application stops, as the Inngest dev
	 * server polls the apps it knows, so that a redeployed app's functions are picked up.
	 * A sync that changes nothing is logged at debug level, and a failing app once until
	 * a sync succeeds again, rather than at every interval.
	 */
	private void poll(URI url, Duration interval) {
		boolean failing = false;
		while (this.running) {
			try {
				Thread.sleep(Math.max(1, interval.toMillis()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			if (!this.running) {
				return;
			}
			try {
				attempt(url, true);
				if (failing) {
					logger.info("The sync of the app at " + url + " succeeds again");
				}
				failing = false;
			}
			catch (AppSyncException ex) {
				if (!failing && this.running) {
					logger.warn(ex.getMessage() + "; tried again every " + interval.toMillis()
							+ " ms, logged again once it succeeds");
				}
				failing = true;
			}
		}
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		this.threads.forEach(Thread::interrupt);
		this.threads.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * A sync that failed: nothing was changed.
	 */
	public static final class AppSyncException extends RuntimeException {

		private final URI url;

		private final boolean retryable;

		AppSyncException(URI url, String reason, boolean retryable) {
			super("The sync of the app at " + url + " failed: " + reason);
			this.url = url;
			this.retryable = retryable;
		}

		/**
		 * The app's serve URL.
		 * @return the URL
		 */
		public URI url() {
			return this.url;
		}

		/**
		 * Whether the sync may succeed if tried again: the app could not be reached or
		 * answered with a server error.
		 * @return whether to try again
		 */
		public boolean isRetryable() {
			return this.retryable;
		}

	}

}
