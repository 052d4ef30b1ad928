package dev.durable.inngest.executor;

import java.lang.reflect.Method;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import dev.durable.inngest.engine.store.AppStore;
import dev.durable.inngest.engine.store.AppStore.AppRecord;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionDiscoverer;
import dev.durable.inngest.function.FunctionInvoker;
import dev.durable.inngest.function.Invocation;
import dev.durable.inngest.remote.CanonicalJson;
import dev.durable.inngest.remote.SigningKey;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The apps synced to the executor and their functions: a sync checks what an app
 * registers, stores it, and replaces the app's functions in the engine's registry, where
 * they run beside the application's own. An app owns the function ids it registered
 * first: another app cannot take them, and neither can it take the application's own.
 * Functions an app no longer registers start no new runs.
 */
public final class ServedApps {

	private static final Log logger = LogFactory.getLog(ServedApps.class);

	private static final Method CALL;

	static {
		try {
			CALL = ServedFunctionBody.class.getMethod("call", Invocation.class);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static final List<Function<Invocation, @Nullable Object>> ARGUMENTS = List.of((invocation) -> invocation);

	private final AppStore store;

	private final FunctionDiscoverer functions;

	private final FunctionCalls calls;

	private final JsonMapper mapper;

	private final Clock clock;

	private final Runnable functionsChanged;

	/** The apps as last read or synced, by id. */
	private Map<String, AppRecord> apps = Map.of();

	/**
	 * Creates the apps.
	 * @param store where they are stored
	 * @param functions the registry their functions join
	 * @param calls calls their functions
	 * @param mapper reads and writes JSON
	 * @param clock the time of syncs
	 * @param functionsChanged called once the registry holds the functions of a sync or a
	 * refresh
	 */
	ServedApps(AppStore store, FunctionDiscoverer functions, FunctionCalls calls, JsonMapper mapper, Clock clock,
			Runnable functionsChanged) {
		this.store = store;
		this.functions = functions;
		this.calls = calls;
		this.mapper = mapper;
		this.clock = clock;
		this.functionsChanged = functionsChanged;
	}

	/**
	 * Creates the apps, calling their functions over a new HTTP client.
	 * @param store where they are stored
	 * @param functions the registry their functions join
	 * @param signingKey the key the calls are signed with
	 * @param callTimeout how long a call may take
	 * @param maxCallPayload the largest call body sent with the run's events and steps,
	 * in bytes; a larger one has the app fetch them
	 * @param mapper reads and writes JSON
	 * @param clock the time of syncs and signatures
	 * @param functionsChanged called once the registry holds the functions of a sync or a
	 * refresh, such as to register their schedules from then on rather than from the
	 * engine's next poll; what it throws is logged
	 * @return the apps
	 */
	public static ServedApps create(AppStore store, FunctionDiscoverer functions, SigningKey signingKey,
			Duration callTimeout, long maxCallPayload, JsonMapper mapper, Clock clock, Runnable functionsChanged) {
		HttpClient http = HttpClient.newBuilder()
			.connectTimeout(Duration.ofSeconds(10))
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
		return new ServedApps(store, functions,
				new FunctionCalls(http, signingKey, mapper, callTimeout, maxCallPayload, clock), mapper, clock,
				functionsChanged);
	}

	/**
	 * The outcome of a sync.
	 *
	 * @param appId the app's id
	 * @param functions how many functions it registered
	 * @param modified whether anything changed
	 */
	public record Sync(String appId, int functions, boolean modified) {

	}

	/**
	 * Syncs an app from its register request ({@code POST /fn/register}).
	 * @param body the request's body
	 * @return the outcome
	 * @throws InvalidRegistrationException if the request is not valid, or registers a
	 * function id another app or the application owns; nothing is changed then
	 */
	public Sync sync(byte[] body) {
		return sync(read(body), "appName");
	}

	/**
	 * Syncs an app from the configuration it answered an in-band sync with, which names
	 * its id {@code app_id} where a register request names it {@code appName}; it is
	 * checked and stored exactly as a register request is.
	 * @param body the answer's body
	 * @return the outcome
	 * @throws InvalidRegistrationException if the configuration is not valid, or
	 * registers a function id another app or the application owns; nothing is changed
	 * then
	 */
	Sync syncInBand(byte[] body) {
		return sync(read(body), "app_id");
	}

	private JsonNode read(byte[] body) {
		JsonNode request;
		try {
			request = this.mapper.readTree(body);
		}
		catch (JacksonException ex) {
			throw new InvalidRegistrationException("body", "is not JSON: " + ex.getOriginalMessage());
		}
		if (request == null || !request.isObject()) {
			throw new InvalidRegistrationException("body", "must be a JSON object");
		}
		return request;
	}

	private synchronized Sync sync(JsonNode request, String appIdField) {
		String appId = ServedFunction.text(request, appIdField, "body", true);
		if (appId.length() > ServedFunction.MAX_ID_LENGTH) {
			throw new InvalidRegistrationException(appIdField,
					"has " + appId.length() + " characters; the longest allowed is " + ServedFunction.MAX_ID_LENGTH);
		}
		URI url = ServedFunction.httpUrl(ServedFunction.text(request, "url", "body", true), "url");
		JsonNode configs = request.get("functions");
		if (configs == null || !configs.isArray()) {
			throw new InvalidRegistrationException("functions", "must be an array of function configurations");
		}
		refresh();
		Map<String, String> owners = new HashMap<>();
		this.apps.values()
			.stream()
			.filter((app) -> !app.id().equals(appId))
			.forEach((app) -> read(app).forEach((function) -> owners.put(function.id(), app.id())));
		Map<String, ServedFunction> registered = new LinkedHashMap<>();
		for (int i = 0; i < configs.size(); i++) {
			String field = "functions[" + i + "]";
			ServedFunction function = ServedFunction.read(configs.get(i), field);
			if (registered.putIfAbsent(function.id(), function) != null) {
				throw new InvalidRegistrationException(field + ".id",
						"'" + function.id() + "' is registered twice by this app");
			}
			String owner = owners.get(function.id());
			if (owner != null) {
				throw new InvalidRegistrationException(field + ".id",
						"'" + function.id() + "' is a function of app '" + owner + "'; function ids must be unique");
			}
			FunctionDefinition existing = this.functions.registry().find(function.id()).orElse(null);
			if (existing != null && !existing.isServed()) {
				throw new InvalidRegistrationException(field + ".id",
						"'" + function.id() + "' is a function of this application; function ids must be unique");
			}
		}
		String functionsJson = new String(CanonicalJson.canonicalize(this.mapper.writeValueAsBytes(configs)),
				StandardCharsets.UTF_8);
		String checksum = sha256(url + "\n" + functionsJson);
		AppRecord previous = this.apps.get(appId);
		boolean modified = previous == null || !previous.checksum().equals(checksum);
		if (modified) {
			AppRecord app = new AppRecord(appId, url.toString(), functionsJson, checksum, this.clock.instant());
			Map<String, AppRecord> apps = new LinkedHashMap<>(this.apps);
			apps.put(appId, app);
			this.store.save(app);
			apply(apps);
			logger.info("App '" + appId + "' synced from " + url + " with " + registered.size() + " functions "
					+ registered.keySet());
		}
		return new Sync(appId, registered.size(), modified);
	}

	/**
	 * Reads the apps from the store again and, if another instance synced one since,
	 * replaces their functions in the registry.
	 */
	public synchronized void refresh() {
		Map<String, AppRecord> stored = new LinkedHashMap<>();
		this.store.findAll().forEach((app) -> stored.put(app.id(), app));
		if (!checksums(stored).equals(checksums(this.apps))) {
			apply(stored);
		}
	}

	/**
	 * The calls to the apps, signed and verified with the executor's key, which in-band
	 * syncs make too.
	 * @return the calls
	 */
	FunctionCalls calls() {
		return this.calls;
	}

	/**
	 * The apps synced, as last read.
	 * @return the apps, by id
	 */
	public synchronized Map<String, AppRecord> apps() {
		return this.apps;
	}

	private static Map<String, String> checksums(Map<String, AppRecord> apps) {
		Map<String, String> checksums = new HashMap<>();
		apps.forEach((id, app) -> checksums.put(id, app.checksum()));
		return checksums;
	}

	private void apply(Map<String, AppRecord> apps) {
		List<FunctionDefinition> definitions = new ArrayList<>();
		for (AppRecord app : apps.values()) {
			for (ServedFunction function : read(app)) {
				ServedFunctionBody body = new ServedFunctionBody(app.id(), function, this.calls, this.mapper,
						this.clock);
				definitions.add(new FunctionDefinition(function.id(), function.name(), function.events(),
						function.crons(), function.condition(), function.retries(), function.cancelOn(),
						function.timeouts(), FunctionInvoker.of("app '" + app.id() + "'", body, CALL, ARGUMENTS), null,
						null, null, null, app.id()));
			}
		}
		this.functions.serve(definitions);
		this.apps = Map.copyOf(apps);
		try {
			this.functionsChanged.run();
		}
		catch (RuntimeException ex) {
			// The functions run all the same; the next poll registers their schedules.
			logger.warn("The functions of the apps synced changed, and acting on it failed", ex);
		}
	}

	private List<ServedFunction> read(AppRecord app) {
		List<ServedFunction> functions = new ArrayList<>();
		JsonNode configs = this.mapper.readTree(app.functions());
		for (int i = 0; i < configs.size(); i++) {
			try {
				functions.add(ServedFunction.read(configs.get(i), "functions[" + i + "]"));
			}
			catch (InvalidRegistrationException ex) {
				logger.warn("A function of app '" + app.id() + "' as stored is not valid and does not run: "
						+ ex.getMessage());
			}
		}
		return functions;
	}

	private static String sha256(String text) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public String toString() {
		return "ServedApps" + Objects.toString(this.apps.keySet());
	}

}
