package dev.durable.inngest.remote;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import dev.durable.inngest.function.FunctionRegistry;
import dev.durable.inngest.remote.SyncClient.RegisterRequest;
import dev.durable.inngest.remote.SyncClient.SyncResult;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Syncs the application's functions to the platform out of band and remembers how the
 * last sync went, for the health indicator and the {@code inngest} endpoint: whether the
 * functions are synced, when they last were, and a hash of the configuration synced,
 * which changes with anything the platform is told (a function, a trigger, a retry count,
 * the URL), so that a drift between what runs and what the platform knows shows.
 */
public final class AppSync {

	private static final JsonMapper JSON = JsonMapper.shared();

	private final SyncClient client;

	private final String appId;

	private final Supplier<FunctionRegistry> registry;

	private final Clock clock;

	private final ReentrantLock syncing = new ReentrantLock();

	private volatile SyncState state = SyncState.NEVER;

	/**
	 * Creates the sync.
	 * @param client posts to the platform
	 * @param appId the application's id
	 * @param registry the functions
	 * @param clock tells the time of a sync
	 */
	public AppSync(SyncClient client, String appId, Supplier<FunctionRegistry> registry, Clock clock) {
		this.client = client;
		this.appId = appId;
		this.registry = registry;
		this.clock = clock;
	}

	/**
	 * What is synced for a URL.
	 * @param appUrl the serve endpoint's URL
	 * @return the register request
	 */
	public RegisterRequest request(String appUrl) {
		return RegisterRequest.of(appUrl, this.appId, FunctionConfigs.of(this.appId, appUrl, this.registry.get()));
	}

	/**
	 * A hash of a configuration: the SHA-256 of its canonical JSON.
	 * @param request the configuration
	 * @return the hash, in hex
	 */
	public static String hash(RegisterRequest request) {
		byte[] canonical = CanonicalJson.canonicalize(JSON.writeValueAsBytes(request));
		return HexFormat.of().formatHex(SigningKey.sha256(canonical));
	}

	/**
	 * Syncs the functions now.
	 * @param appUrl the serve endpoint's URL, where the platform is to call them
	 * @param deployId the {@code deployId} of the PUT that asked for the sync, or
	 * {@code null}
	 * @param serverKind the {@code X-Inngest-Server-Kind} of that PUT, or {@code null}
	 * @return what the platform answered; a platform that could not be reached is an
	 * answer with status {@code 0}
	 */
	public SyncResult sync(String appUrl, @Nullable String deployId, @Nullable String serverKind) {
		// One sync at a time: a burst of PUTs does not become a burst of calls to the
		// platform, and
		// the state recorded is the last sync's, not the one that happened to answer
		// last.
		this.syncing.lock();
		try {
			RegisterRequest request = request(appUrl);
			Instant at = this.clock.instant();
			SyncResult result;
			try {
				result = this.client.sync(request, deployId, serverKind);
			}
			catch (RuntimeException ex) {
				// Connection refused, a timeout, a name that does not resolve: the
				// platform is unreachable.
				result = new SyncResult(0, false, "the platform could not be reached: " + reason(ex));
			}
			record(result, appUrl, hash(request), at);
			return result;
		}
		finally {
			this.syncing.unlock();
		}
	}

	/**
	 * Records a sync that happened in the PUT's answer (in band), once answered: the
	 * platform checks the answer after it, and a refusal then is not told to the
	 * application.
	 * @param request what was synced
	 */
	public void syncedInBand(RegisterRequest request) {
		record(new SyncResult(200, false, null), request.url(), hash(request), this.clock.instant());
	}

	private synchronized void record(SyncResult result, String appUrl, String hash, Instant at) {
		SyncState previous = this.state;
		if (result.succeeded()) {
			this.state = new SyncState(SyncState.Status.SYNCED, at, at, appUrl, hash, null, 0);
		}
		else {
			this.state = new SyncState(
					(previous.lastSyncedAt() != null) ? SyncState.Status.SYNCED_BEFORE_FAILURE
							: SyncState.Status.FAILED,
					at, previous.lastSyncedAt(), previous.appUrl(), previous.configHash(), result.error(),
					previous.failures() + 1);
		}
	}

	/**
	 * How the last sync went.
	 * @return the state
	 */
	public SyncState state() {
		return this.state;
	}

	private static String reason(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		String message = cause.getMessage();
		return cause.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	/**
	 * How the syncs have gone so far.
	 *
	 * @param status the state
	 * @param lastAttemptAt when a sync was last tried, or {@code null}
	 * @param lastSyncedAt when a sync last succeeded, or {@code null}
	 * @param appUrl the URL last synced, or {@code null}
	 * @param configHash the hash of the configuration last synced, or {@code null}
	 * @param lastError why the last sync failed, or {@code null} if it succeeded
	 * @param failures how many syncs have failed since the last success
	 */
	public record SyncState(Status status, @Nullable Instant lastAttemptAt, @Nullable Instant lastSyncedAt,
			@Nullable String appUrl, @Nullable String configHash, @Nullable String lastError, int failures) {

		static final SyncState NEVER = new SyncState(Status.NOT_SYNCED, null, null, null, null, null, 0);

		/**
		 * The states of the sync.
		 */
		public enum Status {

			/** No sync has been tried yet. */
			NOT_SYNCED,

			/** The last sync succeeded. */
			SYNCED,

			/** An earlier sync succeeded, the last one failed. */
			SYNCED_BEFORE_FAILURE,

			/** Every sync tried has failed. */
			FAILED

		}

	}

}
