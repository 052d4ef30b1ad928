package dev.durable.inngest.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.durable.inngest.engine.BulkCancellations;
import dev.durable.inngest.engine.InputLimits;
import dev.durable.inngest.engine.PropertyChecks;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of durable functions, under {@code inngest}.
 */
@ConfigurationProperties("inngest")
public class InngestProperties {

	/**
	 * Where functions run: "local", on the application's own database, or "remote",
	 * driven by the Inngest platform (Inngest Cloud or the Inngest dev server) through
	 * the serve endpoint.
	 */
	private Mode mode = Mode.LOCAL;

	/**
	 * The application's id, which prefixes function ids in system events. Defaults to
	 * spring.application.name.
	 */
	private @Nullable String appId;

	/**
	 * The signing key, "signkey-<env>-<hex>" (INNGEST_SIGNING_KEY). In remote mode it
	 * verifies the platform's requests and authorizes syncs, and is required unless
	 * inngest.dev is set. In local mode it authorizes calls to the HTTP API for runs and
	 * cancellations, sent as "Authorization: Bearer <key>" (plain or in Inngest's hashed
	 * form); with no signing key, that API is off.
	 */
	private @Nullable String signingKey;

	/**
	 * A second signing key accepted as well, while keys are rotated
	 * (INNGEST_SIGNING_KEY_FALLBACK).
	 */
	private @Nullable String signingKeyFallback;

	/**
	 * The event key (INNGEST_EVENT_KEY). In remote mode it authorizes sending events to
	 * Inngest's event API. In local mode it authorizes sending events over HTTP, to POST
	 * {base-path}/e/{event-key}; with no event key, events cannot be sent over HTTP.
	 */
	private @Nullable String eventKey;

	/**
	 * Remote mode against the Inngest dev server (INNGEST_DEV): "true" or "1" for the dev
	 * server at http://localhost:8288, or the dev server's URL. Requests are then not
	 * required to be signed. Unset, "false" or "0" for Inngest Cloud.
	 */
	private @Nullable String dev;

	/**
	 * The origin of both Inngest's API and its event API, such as
	 * https://inngest.example.com for a self-hosted server (INNGEST_BASE_URL). Defaults
	 * to Inngest Cloud's, or the dev server's in dev mode.
	 */
	private @Nullable String baseUrl;

	/**
	 * The origin of Inngest's API, which syncs go to (INNGEST_API_BASE_URL). Defaults to
	 * inngest.base-url, else https://api.inngest.com, or the dev server's URL in dev
	 * mode.
	 */
	private @Nullable String apiBaseUrl;

	/**
	 * The origin of Inngest's event API (INNGEST_EVENT_API_BASE_URL). Defaults to
	 * inngest.base-url, else https://inn.gs, or the dev server's URL in dev mode.
	 */
	private @Nullable String eventApiBaseUrl;

	/**
	 * The path of the serve endpoint, where the platform calls the application in remote
	 * mode (INNGEST_SERVE_PATH).
	 */
	private String servePath = "/api/inngest";

	/**
	 * The public origin of the application, such as https://orders.example.com, from
	 * which the URL synced to the platform is built (INNGEST_SERVE_ORIGIN). Needed for
	 * the sync at start-up with Inngest Cloud, and behind a proxy. Without it a sync
	 * started by a PUT uses the origin that request was sent to, and in dev mode the sync
	 * at start-up uses http://localhost and the server's port.
	 */
	private @Nullable String serveOrigin;

	/**
	 * The Inngest environment, such as a branch environment's name, sent as X-Inngest-Env
	 * (INNGEST_ENV).
	 */
	private @Nullable String env;

	/**
	 * Whether a signed PUT asking for an in-band sync gets the configuration in its
	 * answer (INNGEST_ALLOW_IN_BAND_SYNC). If false, every sync is posted to the
	 * platform.
	 */
	private boolean allowInBandSync = true;

	/**
	 * The sync of the functions to the platform in remote mode.
	 */
	private final Sync sync = new Sync();

	/**
	 * How sending events to the platform's event API retries what may pass in remote
	 * mode: the event API unreachable, a server error or 429.
	 */
	private final Send send = new Send();

	/**
	 * The outbox that events sent in a transaction are written to in remote mode, on the
	 * application's DataSource.
	 */
	private final Outbox outbox = new Outbox();

	/**
	 * The local engine, on the application's database.
	 */
	private final Local local = new Local();

	/**
	 * The Inngest-shaped HTTP APIs: events in, runs and bulk cancellations.
	 */
	private final Api api = new Api();

	/**
	 * The local engine as the executor of functions that other apps serve with an Inngest
	 * SDK.
	 */
	private final Executor executor = new Executor();

	/**
	 * The runs dashboard.
	 */
	private final Dashboard dashboard = new Dashboard();

	/**
	 * The limits on what is sent in: events, requests, conditions and steps.
	 */
	private final Limits limits = new Limits();

	public Mode getMode() {
		return this.mode;
	}

	public void setMode(Mode mode) {
		this.mode = mode;
	}

	public @Nullable String getDev() {
		return this.dev;
	}

	public void setDev(@Nullable String dev) {
		this.dev = dev;
	}

	public @Nullable String getBaseUrl() {
		return this.baseUrl;
	}

	public void setBaseUrl(@Nullable String baseUrl) {
		this.baseUrl = baseUrl;
	}

	public @Nullable String getApiBaseUrl() {
		return this.apiBaseUrl;
	}

	public void setApiBaseUrl(@Nullable String apiBaseUrl) {
		this.apiBaseUrl = apiBaseUrl;
	}

	public @Nullable String getEventApiBaseUrl() {
		return this.eventApiBaseUrl;
	}

	public void setEventApiBaseUrl(@Nullable String eventApiBaseUrl) {
		this.eventApiBaseUrl = eventApiBaseUrl;
	}

	public String getServePath() {
		return this.servePath;
	}

	public void setServePath(String servePath) {
		this.servePath = servePath;
	}

	public @Nullable String getServeOrigin() {
		return this.serveOrigin;
	}

	public void setServeOrigin(@Nullable String serveOrigin) {
		this.serveOrigin = serveOrigin;
	}

	public @Nullable String getEnv() {
		return this.env;
	}

	public void setEnv(@Nullable String env) {
		this.env = env;
	}

	public boolean isAllowInBandSync() {
		return this.allowInBandSync;
	}

	public void setAllowInBandSync(boolean allowInBandSync) {
		this.allowInBandSync = allowInBandSync;
	}

	public Sync getSync() {
		return this.sync;
	}

	public Send getSend() {
		return this.send;
	}

	public Outbox getOutbox() {
		return this.outbox;
	}

	public @Nullable String getAppId() {
		return this.appId;
	}

	public void setAppId(@Nullable String appId) {
		this.appId = appId;
	}

	/**
	 * The application's id: {@code inngest.app-id}, or else
	 * {@code spring.application.name}.
	 * @param environment the environment
	 * @return the id
	 */
	public String determineAppId(Environment environment) {
		return StringUtils.hasText(this.appId) ? this.appId
				: environment.getProperty("spring.application.name", "application");
	}

	public @Nullable String getSigningKey() {
		return this.signingKey;
	}

	public void setSigningKey(@Nullable String signingKey) {
		this.signingKey = signingKey;
	}

	public @Nullable String getSigningKeyFallback() {
		return this.signingKeyFallback;
	}

	public void setSigningKeyFallback(@Nullable String signingKeyFallback) {
		this.signingKeyFallback = signingKeyFallback;
	}

	public @Nullable String getEventKey() {
		return this.eventKey;
	}

	public void setEventKey(@Nullable String eventKey) {
		this.eventKey = eventKey;
	}

	public Api getApi() {
		return this.api;
	}

	public Executor getExecutor() {
		return this.executor;
	}

	public Dashboard getDashboard() {
		return this.dashboard;
	}

	public Local getLocal() {
		return this.local;
	}

	public Limits getLimits() {
		return this.limits;
	}

	/**
	 * Where functions run.
	 */
	public enum Mode {

		/**
		 * On the application's own database, by the local engine.
		 */
		LOCAL,

		/**
		 * Driven by the Inngest platform through the serve endpoint.
		 */
		REMOTE

	}

	/**
	 * The sync of the functions to the platform in remote mode.
	 */
	public static class Sync {

		/**
		 * Whether to sync when the application has started, in the background, retrying
		 * while the platform cannot be reached. With Inngest Cloud it needs
		 * inngest.serve-origin.
		 */
		private boolean onStartup = true;

		/**
		 * How long to wait before the first retry of a sync at start-up that failed.
		 */
		private Duration initialInterval = Duration.ofSeconds(1);

		/**
		 * The longest wait between retries of a sync at start-up.
		 */
		private Duration maxInterval = Duration.ofMinutes(5);

		public boolean isOnStartup() {
			return this.onStartup;
		}

		public void setOnStartup(boolean onStartup) {
			this.onStartup = onStartup;
		}

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

	}

	/**
	 * Retries of a send.
	 */
	public static class Send {

		/**
		 * The retries after the first try, each after a wait that doubles.
		 */
		private int maxRetries = 4;

		/**
		 * The wait before the first retry.
		 */
		private Duration initialDelay = Duration.ofMillis(200);

		/**
		 * The longest wait between two tries; a Retry-After asking for longer ends the
		 * retries.
		 */
		private Duration maxDelay = Duration.ofSeconds(5);

		public int getMaxRetries() {
			return this.maxRetries;
		}

		public void setMaxRetries(int maxRetries) {
			this.maxRetries = maxRetries;
		}

		public Duration getInitialDelay() {
			return this.initialDelay;
		}

		public void setInitialDelay(Duration initialDelay) {
			this.initialDelay = initialDelay;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

	}

	/**
	 * The event outbox.
	 */
	public static class Outbox {

		/**
		 * Whether events sent in a transaction are written to the outbox table
		 * (inngest_outbox) when there is a DataSource. Without it they are held in memory
		 * until the transaction commits, and lost if the process stops before they are
		 * sent.
		 */
		private boolean enabled = true;

		/**
		 * How often the outbox is searched for events left unsent.
		 */
		private Duration pollInterval = Duration.ofSeconds(5);

		/**
		 * How long a batch of events is left to the instance that wrote or claimed it
		 * before another instance may send it.
		 */
		private Duration lease = Duration.ofSeconds(30);

		/**
		 * The wait before a batch whose send failed is tried again, doubled with each
		 * further failure.
		 */
		private Duration retryDelay = Duration.ofSeconds(1);

		/**
		 * The longest wait before a batch whose send failed is tried again.
		 */
		private Duration maxRetryDelay = Duration.ofMinutes(5);

		/**
		 * When to create the outbox table: always (the default; the script only creates
		 * what is missing), embedded (H2 and other embedded databases only) or never.
		 */
		private DatabaseInitializationMode schemaInitialize = DatabaseInitializationMode.ALWAYS;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public Duration getLease() {
			return this.lease;
		}

		public void setLease(Duration lease) {
			this.lease = lease;
		}

		public Duration getRetryDelay() {
			return this.retryDelay;
		}

		public void setRetryDelay(Duration retryDelay) {
			this.retryDelay = retryDelay;
		}

		public Duration getMaxRetryDelay() {
			return this.maxRetryDelay;
		}

		public void setMaxRetryDelay(Duration maxRetryDelay) {
			this.maxRetryDelay = maxRetryDelay;
		}

		public DatabaseInitializationMode getSchemaInitialize() {
			return this.schemaInitialize;
		}

		public void setSchemaInitialize(DatabaseInitializationMode schemaInitialize) {
			this.schemaInitialize = schemaInitialize;
		}

	}

	/**
	 * The HTTP API for runs, cancellations and events, shaped like Inngest's REST and
	 * event APIs.
	 */
	public static class Api {

		/**
		 * The path the API is served under, such as /inngest for
		 * /inngest/v1/runs/{runId}.
		 */
		private String basePath = "/inngest";

		public String getBasePath() {
			return this.basePath;
		}

		public void setBasePath(String basePath) {
			this.basePath = basePath;
		}

	}

	/**
	 * The local engine as an Inngest executor: apps that serve functions with an Inngest
	 * SDK sync to this application (their baseUrl pointing at it) and their functions run
	 * on the engine, beside the application's own.
	 */
	public static class Executor {

		/**
		 * Whether apps may sync to this application at /fn/register and have their
		 * functions run here. Needs a web application in local mode and
		 * inngest.executor.signing-key.
		 */
		private boolean enabled;

		/**
		 * The signing key the apps are configured with (signkey-<env>-<hex>): it
		 * authenticates their syncs, signs the calls to them and verifies their answers.
		 * Required when the executor is enabled.
		 */
		private @Nullable String signingKey;

		/**
		 * How long a call to an app may take, the step it executes included, before the
		 * attempt fails.
		 */
		private Duration callTimeout = Duration.ofHours(2);

		/**
		 * How often each instance reads the synced apps from the database, to see syncs
		 * received by other instances.
		 */
		private Duration refreshInterval = Duration.ofSeconds(10);

		/**
		 * The largest call request sent to an app with the run's event, events and steps
		 * in it, as Inngest limits it. A larger call is sent without the events and steps
		 * and with use_api, and the app fetches them from /v0/runs/{runId}/batch and
		 * /v0/runs/{runId}/actions.
		 */
		private DataSize maxCallPayload = DataSize.ofMegabytes(4);

		/**
		 * The serve URLs of apps to sync once the application has started, such as
		 * http://billing.internal/api/inngest, as the Inngest server syncs the apps it is
		 * told about: a signed PUT that the app answers with its functions (in-band sync)
		 * or by syncing itself to /fn/register. A failed sync is logged and retried a few
		 * times in the background; it never fails the start.
		 */
		private List<URI> apps = new ArrayList<>();

		/**
		 * How often each instance syncs the apps of inngest.executor.apps again once the
		 * application has started, as the Inngest dev server polls the apps it knows, so
		 * that the functions of a redeployed app are picked up without a sync of its own.
		 * Unset, they are synced once, at start-up.
		 */
		private @Nullable Duration appsPollInterval;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getSigningKey() {
			return this.signingKey;
		}

		public void setSigningKey(@Nullable String signingKey) {
			this.signingKey = signingKey;
		}

		public Duration getCallTimeout() {
			return this.callTimeout;
		}

		public void setCallTimeout(Duration callTimeout) {
			this.callTimeout = callTimeout;
		}

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

		public DataSize getMaxCallPayload() {
			return this.maxCallPayload;
		}

		public void setMaxCallPayload(DataSize maxCallPayload) {
			this.maxCallPayload = maxCallPayload;
		}

		public List<URI> getApps() {
			return this.apps;
		}

		public void setApps(List<URI> apps) {
			this.apps = apps;
		}

		public @Nullable Duration getAppsPollInterval() {
			return this.appsPollInterval;
		}

		public void setAppsPollInterval(@Nullable Duration appsPollInterval) {
			this.appsPollInterval = appsPollInterval;
		}

	}

	/**
	 * The runs dashboard, a web page that reads and drives the inngest Actuator endpoint.
	 */
	public static class Dashboard {

		/**
		 * Whether to serve the dashboard. It needs the inngest Actuator endpoint exposed
		 * over HTTP, and is served on the management port when one is set.
		 */
		private boolean enabled;

		/**
		 * The path the dashboard is served under.
		 */
		private String path = "/inngest/dashboard";

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

	}

	/**
	 * The most the application takes in from callers: events sent over HTTP or with
	 * InngestClient, bulk cancellations and requests to the HTTP API and the inngest
	 * Actuator endpoint. What is over a limit is refused, naming the limit, and changes
	 * nothing.
	 */
	public static class Limits {

		/**
		 * The largest request body that the HTTP API and the inngest Actuator endpoint
		 * read. A larger one is refused with 413 by its Content-Length before it is read,
		 * or, sent in chunks, as soon as more has arrived.
		 */
		private DataSize requestSize = DataSize.ofMegabytes(3);

		/**
		 * The largest event, as JSON: its name, data, user, id, ts and v. Inngest's
		 * default. Over HTTP a larger event is refused with 413, with InngestClient with
		 * an InvalidEventException.
		 */
		private DataSize eventSize = DataSize.ofKilobytes(512);

		/**
		 * The most events one request to the events API may carry.
		 */
		private int eventsPerRequest = 5000;

		/**
		 * The longest event name, in characters; at most 255, the width of its column.
		 */
		private int eventNameLength = 255;

		/**
		 * The longest event id given by a sender, in characters; at most 64, the width of
		 * its column.
		 */
		private int eventIdLength = 64;

		/**
		 * The longest CEL condition of a bulk cancellation or replay, or of a search of
		 * runs by their event, in characters.
		 */
		private int expressionLength = 4096;

		/**
		 * The most evaluation steps a bulk cancellation's CEL condition, or a search's,
		 * may take on one run: every sub-expression evaluated, in every iteration of all,
		 * exists, map and filter, is a step. A request whose condition takes more is
		 * refused, and its evaluation is stopped there.
		 */
		private long expressionCost = 10_000;

		/**
		 * The longest a count of the runs a bulk cancellation matches may take, for its
		 * preview or before it starts. A count that runs out of time answers with what it
		 * counted so far, as a lower bound, and a cancellation then starts without the
		 * rest counted. A page of a search of runs by a condition on their event stops
		 * there too, with the runs found so far and a cursor to search on.
		 */
		private Duration bulkCountTimeout = Duration.ofSeconds(5);

		/**
		 * The most runs such a count, or such a page of a search, may look at; unset,
		 * only its time limits it.
		 */
		private @Nullable Long bulkCountScanned;

		/**
		 * The largest request body the serve endpoint reads in remote mode; the platform
		 * sends at most 4 MiB. A larger one is refused with 413, for good, and its run
		 * fails, so a value below 4MB is warned of at start-up.
		 */
		private DataSize serveRequestSize = DataSize.ofMegabytes(5);

		public DataSize getServeRequestSize() {
			return this.serveRequestSize;
		}

		public void setServeRequestSize(DataSize serveRequestSize) {
			this.serveRequestSize = serveRequestSize;
		}

		public DataSize getRequestSize() {
			return this.requestSize;
		}

		public void setRequestSize(DataSize requestSize) {
			this.requestSize = requestSize;
		}

		public DataSize getEventSize() {
			return this.eventSize;
		}

		public void setEventSize(DataSize eventSize) {
			this.eventSize = eventSize;
		}

		public int getEventsPerRequest() {
			return this.eventsPerRequest;
		}

		public void setEventsPerRequest(int eventsPerRequest) {
			this.eventsPerRequest = eventsPerRequest;
		}

		public int getEventNameLength() {
			return this.eventNameLength;
		}

		public void setEventNameLength(int eventNameLength) {
			this.eventNameLength = eventNameLength;
		}

		public int getEventIdLength() {
			return this.eventIdLength;
		}

		public void setEventIdLength(int eventIdLength) {
			this.eventIdLength = eventIdLength;
		}

		public int getExpressionLength() {
			return this.expressionLength;
		}

		public void setExpressionLength(int expressionLength) {
			this.expressionLength = expressionLength;
		}

		public Duration getBulkCountTimeout() {
			return this.bulkCountTimeout;
		}

		public void setBulkCountTimeout(Duration bulkCountTimeout) {
			this.bulkCountTimeout = bulkCountTimeout;
		}

		public @Nullable Long getBulkCountScanned() {
			return this.bulkCountScanned;
		}

		public void setBulkCountScanned(@Nullable Long bulkCountScanned) {
			this.bulkCountScanned = bulkCountScanned;
		}

		/**
		 * The budget of a count of the runs a bulk cancellation matches.
		 * @return the budget
		 * @throws IllegalArgumentException if the timeout is not positive or the most
		 * runs is less than one
		 */
		public BulkCancellations.CountBudget toCountBudget() {
			return new BulkCancellations.CountBudget(
					PropertyChecks.atLeastOneMillisecond("inngest.limits.bulk-count-timeout", this.bulkCountTimeout),
					this.bulkCountScanned);
		}

		public long getExpressionCost() {
			return this.expressionCost;
		}

		public void setExpressionCost(long expressionCost) {
			this.expressionCost = expressionCost;
		}

		/**
		 * The limits the engine applies.
		 * @return the limits
		 * @throws IllegalArgumentException if a limit is not positive, or longer than its
		 * column
		 */
		public InputLimits toInputLimits() {
			return new InputLimits(PropertyChecks.positive("inngest.limits.event-size", this.eventSize).toBytes(),
					this.eventNameLength, this.eventIdLength, this.expressionLength, this.expressionCost);
		}

	}

	/**
	 * The local engine.
	 */
	public static class Local {

		/**
		 * Where the engine keeps its events, runs and steps: jdbc, in the application's
		 * database (a DataSource is needed), or memory, in the JVM's memory, for tests
		 * and applications whose runs need not survive a restart. In memory, runs are
		 * lost when the application stops, instances do not share their runs, and the
		 * schema, H2 and PostgreSQL settings and notifications do not apply.
		 */
		private Store store = Store.JDBC;

		/**
		 * How many runs execute at once in this instance.
		 */
		private int workers = 8;

		/**
		 * How often the database is polled for due runs that were not handed over
		 * in-process: runs made due by another instance, long sleeps and retries, runs
		 * whose lease expired; and for runs still queued past their start timeout, or
		 * executing past their finish timeout, which are cancelled.
		 */
		private Duration pollInterval = Duration.ofSeconds(1);

		/**
		 * How long stopping the application waits for executing runs before giving them
		 * back: queued again, due at once, to be resumed from their stored steps by the
		 * next start or another instance (the step each was in runs again there). Unset,
		 * spring.lifecycle.timeout-per-shutdown-phase (30s by default).
		 */
		private @Nullable Duration shutdownTimeout;

		/**
		 * Whether the completions of runs that end at the same time are committed
		 * together, in one transaction: a worker whose run ends while another's
		 * completion is being committed waits for that commit, then commits its own with
		 * the others that waited. It saves commits where the database writes each one to
		 * disk before it returns. Unset, it is on where it does: H2 with no write delay
		 * (the default, and in-memory H2) and PostgreSQL with synchronous_commit on (its
		 * default); off for H2 with a write delay (inngest.local.h2.write-delay) and
		 * PostgreSQL with synchronous_commit off, where a commit costs next to nothing
		 * and the wait would cost more than it saves.
		 */
		private @Nullable Boolean groupCommit;

		/**
		 * Whether the events that threads send at the same time, outside a transaction,
		 * are committed together, in one transaction: a send made while another's events
		 * are being committed waits for that commit, then commits its events with the
		 * others that waited, and returns once they are committed. It saves commits and
		 * round trips when many request threads send at once. Events sent inside the
		 * caller's transaction are stored in it, never grouped. Unset, it is on where
		 * each commit is written to disk before it returns, as inngest.local.group-commit
		 * is.
		 */
		private @Nullable Boolean sendGroupCommit;

		/**
		 * The most JSON (in bytes, as UTF-8) that a step's result, or a function's return
		 * value, may take: Inngest's limit for a step's output. A larger one fails its
		 * step at once, without retries (StepFailedException is thrown into the
		 * function), or its run.
		 */
		private DataSize maxOutputSize = DataSize.ofMegabytes(4);

		/**
		 * How long a step's body, or a function's body between two steps, may run before
		 * its thread is interrupted: Inngest's longest step. The attempt then fails, once
		 * the code throws, and is retried like any failure; code that ignores the
		 * interrupt keeps its worker until it returns. Zero for no limit.
		 */
		private Duration stepTimeout = Duration.ofHours(2);

		/**
		 * Whether the engine's threads (workers, poller, lease renewal) start with the
		 * application. When false, nothing executes runs until the engine is started, or
		 * until a caller drives it, as tests do on their own thread.
		 */
		private boolean autoStartup = true;

		private final Lease lease = new Lease();

		private final Schema schema = new Schema();

		private final Backoff backoff = new Backoff();

		private final Notifications notifications = new Notifications();

		private final EagerStart eagerStart = new EagerStart();

		private final Crons crons = new Crons();

		private final Retention retention = new Retention();

		private final H2 h2 = new H2();

		public Store getStore() {
			return this.store;
		}

		public void setStore(Store store) {
			this.store = store;
		}

		public int getWorkers() {
			return this.workers;
		}

		public void setWorkers(int workers) {
			this.workers = workers;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public @Nullable Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(@Nullable Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

		public @Nullable Boolean getGroupCommit() {
			return this.groupCommit;
		}

		public void setGroupCommit(@Nullable Boolean groupCommit) {
			this.groupCommit = groupCommit;
		}

		public @Nullable Boolean getSendGroupCommit() {
			return this.sendGroupCommit;
		}

		public void setSendGroupCommit(@Nullable Boolean sendGroupCommit) {
			this.sendGroupCommit = sendGroupCommit;
		}

		public DataSize getMaxOutputSize() {
			return this.maxOutputSize;
		}

		public void setMaxOutputSize(DataSize maxOutputSize) {
			this.maxOutputSize = maxOutputSize;
		}

		public Duration getStepTimeout() {
			return this.stepTimeout;
		}

		public void setStepTimeout(Duration stepTimeout) {
			this.stepTimeout = stepTimeout;
		}

		public boolean isAutoStartup() {
			return this.autoStartup;
		}

		public void setAutoStartup(boolean autoStartup) {
			this.autoStartup = autoStartup;
		}

		public Lease getLease() {
			return this.lease;
		}

		public Schema getSchema() {
			return this.schema;
		}

		public Backoff getBackoff() {
			return this.backoff;
		}

		public Notifications getNotifications() {
			return this.notifications;
		}

		public EagerStart getEagerStart() {
			return this.eagerStart;
		}

		public Crons getCrons() {
			return this.crons;
		}

		public Retention getRetention() {
			return this.retention;
		}

		public H2 getH2() {
			return this.h2;
		}

	}

	/**
	 * Where the local engine keeps its events, runs and steps.
	 */
	public enum Store {

		/** In the application's database, through its {@code DataSource}. */
		JDBC,

		/**
		 * In the JVM's memory: nothing survives the process, and no instance shares it.
		 */
		MEMORY

	}

	/**
	 * How long ended runs and events are kept before they are deleted.
	 */
	public static class Retention {

		/**
		 * Whether ended runs, with their steps, and the events no run needs are deleted
		 * once they are older than the period. Off, nothing is ever deleted.
		 */
		private boolean enabled = true;

		/**
		 * How long runs are kept after they ended (completed, failed or cancelled), with
		 * their steps, and events after they were received, unless a run kept still needs
		 * them; bulk cancellations likewise after they ended. Seven days by default, as
		 * long as Inngest keeps the history of runs on its first paid plan (Pro; 24 hours
		 * on the free plan): a week to look into a failure before its record is gone. At
		 * least 24 hours, Inngest's deduplication window of event ids: an event sent
		 * again with the id of one received within it is recognised only while the first
		 * is kept.
		 */
		private Duration period = Duration.ofDays(7);

		/**
		 * How long from the end of one sweep to the start of the next. The first starts a
		 * minute after the application (or after one interval, if shorter).
		 */
		private Duration interval = Duration.ofHours(1);

		/**
		 * The most runs, events or bulk cancellations one batch reads, and so deletes,
		 * each batch in a transaction of its own; a run's steps, failed attempts and
		 * waits are deleted with it.
		 */
		private int batchSize = 1000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getPeriod() {
			return this.period;
		}

		public void setPeriod(Duration period) {
			this.period = period;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

	}

	/**
	 * The engine's database when it is H2.
	 */
	public static class H2 {

		/**
		 * How long H2 may keep a commit before it writes it to the database's file (its
		 * WRITE_DELAY), set by the engine at start-up on a file database. 0, the default,
		 * writes every commit before it returns, so that an event or a run the engine has
		 * acknowledged, and every step it stored, survives the process being killed. Set
		 * 500ms (H2's own default) to let H2 write commits in the background instead:
		 * one-step runs measured about 9 times as fast on H2 that way, but a process that
		 * dies loses the commits of its last 500 ms: events that were accepted are gone
		 * with their runs, steps that were stored run again, and runs that ended run
		 * again. Setting it takes an administrator of the database (H2's first user is
		 * one). A WRITE_DELAY in the database URL wins over this, as H2 applies it with
		 * every connection it opens.
		 */
		private Duration writeDelay = Duration.ZERO;

		public Duration getWriteDelay() {
			return this.writeDelay;
		}

		public void setWriteDelay(Duration writeDelay) {
			this.writeDelay = writeDelay;
		}

	}

	/**
	 * Runs started by the instance that creates them, without a claim.
	 */
	public static class EagerStart {

		/**
		 * Whether a run that an event sent from this instance starts is created already
		 * leased to this instance and held for its workers, so that a worker starts it
		 * without claiming it first: one statement fewer per run. Only as many are held
		 * as the workers can be expected to start soon (one per free worker, and as many
		 * as they ended in half the maximum wait of their latest work, time in which they
		 * were idle left out); the others are queued for any instance. Runs of functions
		 * with @Timeouts are always queued and claimed.
		 */
		private boolean enabled = true;

		/**
		 * How long such a run waits for a worker of this instance, all of them busy,
		 * before it is given back (queued for any instance to claim); at most a third of
		 * the lease's duration. Stopping the engine gives back the runs it holds at once.
		 */
		private Duration maxWait = Duration.ofSeconds(2);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getMaxWait() {
			return this.maxWait;
		}

		public void setMaxWait(Duration maxWait) {
			this.maxWait = maxWait;
		}

	}

	/**
	 * The ticks of cron functions on this instance.
	 */
	public static class Crons {

		/**
		 * Whether this instance starts the runs of cron functions when their schedules
		 * fall due. When false, it starts none, and neither stores nor deletes schedules:
		 * other instances sharing the database fire the ticks as before. For a test that
		 * moves the clock and should not see cron runs, or an instance that should leave
		 * schedules to the others.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Wake-ups between instances that share a PostgreSQL database.
	 */
	public static class Notifications {

		/**
		 * Whether instances tell each other of runs made due or cancelled with
		 * PostgreSQL's LISTEN/NOTIFY, so that another instance starts them at once rather
		 * than at its next poll. Each instance holds one connection of the pool to listen
		 * on. Ignored on H2.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Leases on executing runs.
	 */
	public static class Lease {

		/**
		 * How long a run claimed by a worker stays its own without renewal. The owner
		 * renews it every third of this (and a step that begins renews it if that renewal
		 * is late); a run whose instance died is resumed elsewhere once it expires.
		 */
		private Duration duration = Duration.ofSeconds(30);

		public Duration getDuration() {
			return this.duration;
		}

		public void setDuration(Duration duration) {
			this.duration = duration;
		}

	}

	/**
	 * The engine's tables.
	 */
	public static class Schema {

		/**
		 * When to create the engine's tables: on embedded databases only, always, or
		 * never (a DBA applies schema-<platform>.sql by hand). Every H2 database counts
		 * as embedded, whether in memory or in a file.
		 */
		private DatabaseInitializationMode initialize = DatabaseInitializationMode.EMBEDDED;

		/**
		 * The platform of the schema script, such as h2 or postgresql. Detected from the
		 * data source when not set.
		 */
		private @Nullable String platform;

		public DatabaseInitializationMode getInitialize() {
			return this.initialize;
		}

		public void setInitialize(DatabaseInitializationMode initialize) {
			this.initialize = initialize;
		}

		public @Nullable String getPlatform() {
			return this.platform;
		}

		public void setPlatform(@Nullable String platform) {
			this.platform = platform;
		}

	}

	/**
	 * The delay between the attempts of a failed step or function body. With no initial
	 * delay set, Inngest's schedule: 15s, 30s, 1m, 2m, 5m, 10m, 20m, 40m, 1h, then 2h.
	 */
	public static class Backoff {

		/**
		 * The delay after the first failed attempt. When set, delays grow exponentially
		 * from it instead of following Inngest's schedule.
		 */
		private @Nullable Duration initial;

		/**
		 * The factor between two delays, with an initial delay set.
		 */
		private double multiplier = 2.0;

		/**
		 * The longest delay, jitter included, with an initial delay set.
		 */
		private Duration max = Duration.ofHours(2);

		/**
		 * The most random delay added to each delay, so that failures do not retry in
		 * step.
		 */
		private Duration jitter = Duration.ofSeconds(30);

		public @Nullable Duration getInitial() {
			return this.initial;
		}

		public void setInitial(@Nullable Duration initial) {
			this.initial = initial;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMax() {
			return this.max;
		}

		public void setMax(Duration max) {
			this.max = max;
		}

		public Duration getJitter() {
			return this.jitter;
		}

		public void setJitter(Duration jitter) {
			this.jitter = jitter;
		}

	}

}
