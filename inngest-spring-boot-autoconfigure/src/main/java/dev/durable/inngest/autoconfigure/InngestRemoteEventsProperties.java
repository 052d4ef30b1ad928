package dev.durable.inngest.autoconfigure;

import java.time.Duration;
import java.util.Locale;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.util.StringUtils;

/**
 * Configuration of sending events and managing runs on the Inngest platform, under
 * {@code inngest}, with {@code inngest.mode=remote}. The keys are {@code inngest.event-key},
 * {@code inngest.signing-key} and {@code inngest.signing-key-fallback}.
 */
@ConfigurationProperties("inngest")
public class InngestRemoteEventsProperties {

	/** The Dev Server's address, the origin of both APIs in dev mode unless set otherwise. */
	static final String DEV_SERVER = "http://localhost:8288";

	static final String CLOUD_API = "https://api.inngest.com";

	static final String CLOUD_EVENT_API = "https://inn.gs";

	/**
	 * Whether the platform is a Dev Server (INNGEST_DEV): "true" for one at
	 * http://localhost:8288, a URL for one elsewhere, or "false" (the default) for Inngest
	 * Cloud.
	 */
	private String dev;

	/**
	 * The origin of both the platform's API and its Event API (INNGEST_BASE_URL), such as a
	 * self-hosted server's. Defaults to Inngest Cloud's, or the Dev Server's in dev mode.
	 */
	private String baseUrl;

	/**
	 * The origin of the platform's API, for runs and cancellations
	 * (INNGEST_API_BASE_URL). Defaults to base-url.
	 */
	private String apiOrigin;

	/**
	 * The origin of the platform's Event API, where events are sent
	 * (INNGEST_EVENT_API_BASE_URL). Defaults to base-url.
	 */
	private String eventApiOrigin;

	/**
	 * The branch environment events are sent to and runs are read from (INNGEST_ENV).
	 */
	private String env;

	/**
	 * How sending events retries what may pass: the Event API unreachable, a server error or
	 * 429.
	 */
	private final Send send = new Send();

	/**
	 * The outbox that events sent in a transaction are written to, on the application's
	 * DataSource.
	 */
	private final Outbox outbox = new Outbox();

	public String getDev() {
		return this.dev;
	}

	public void setDev(String dev) {
		this.dev = dev;
	}

	public String getBaseUrl() {
		return this.baseUrl;
	}

	public void setBaseUrl(String baseUrl) {
		this.baseUrl = baseUrl;
	}

	public String getApiOrigin() {
		return this.apiOrigin;
	}

	public void setApiOrigin(String apiOrigin) {
		this.apiOrigin = apiOrigin;
	}

	public String getEventApiOrigin() {
		return this.eventApiOrigin;
	}

	public void setEventApiOrigin(String eventApiOrigin) {
		this.eventApiOrigin = eventApiOrigin;
	}

	public String getEnv() {
		return this.env;
	}

	public void setEnv(String env) {
		this.env = env;
	}

	public Send getSend() {
		return this.send;
	}

	public Outbox getOutbox() {
		return this.outbox;
	}

	/**
	 * Whether the platform is a Dev Server.
	 * @return {@code true} if {@code dev} is {@code true}, {@code 1} or a URL
	 */
	public boolean isDevMode() {
		if (!StringUtils.hasText(this.dev)) {
			return false;
		}
		String value = this.dev.trim().toLowerCase(Locale.ROOT);
		return !value.equals("false") && !value.equals("0");
	}

	/**
	 * The Event API's origin: {@code event-api-origin}, else {@code base-url}, else the URL
	 * given as {@code dev}, else the mode's default.
	 * @return the origin
	 */
	public String determineEventApiOrigin() {
		return origin(this.eventApiOrigin, CLOUD_EVENT_API);
	}

	/**
	 * The API's origin: {@code api-origin}, else {@code base-url}, else the URL given as
	 * {@code dev}, else the mode's default.
	 * @return the origin
	 */
	public String determineApiOrigin() {
		return origin(this.apiOrigin, CLOUD_API);
	}

	private String origin(String specific, String cloud) {
		String origin;
		if (StringUtils.hasText(specific)) {
			origin = specific;
		}
		else if (StringUtils.hasText(this.baseUrl)) {
			origin = this.baseUrl;
		}
		else if (isDevMode()) {
			origin = this.dev.contains("://") ? this.dev : DEV_SERVER;
		}
		else {
			origin = cloud;
		}
		origin = origin.trim();
		return origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin;
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
		 * until the transaction commits, and lost if the process stops before they are sent.
		 */
		private boolean enabled = true;

		/**
		 * How often the outbox is searched for events left unsent.
		 */
		private Duration pollInterval = Duration.ofSeconds(5);

		/**
		 * How long a batch of events is left to the instance that wrote or claimed it before
		 * another instance may send it.
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

}
