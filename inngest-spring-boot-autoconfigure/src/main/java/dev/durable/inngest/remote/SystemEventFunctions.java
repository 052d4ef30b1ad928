package dev.durable.inngest.remote;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.FunctionFailedEvent;
import dev.durable.inngest.Retries;
import dev.durable.inngest.function.Expression;
import dev.durable.inngest.function.FunctionDefinition;
import dev.durable.inngest.function.FunctionInvoker;
import dev.durable.inngest.function.FunctionRegistry;
import dev.durable.inngest.function.Invocation;
import dev.durable.inngest.function.FunctionTimeouts;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.util.ReflectionUtils;

/**
 * The functions that publish {@link FunctionFailedEvent} and
 * {@link FunctionCancelledEvent} to the application's listeners in remote mode, where
 * runs end on the platform: one triggered by {@code inngest/function.failed}, one by
 * {@code inngest/function.cancelled}, each with an {@code expression} that lets through
 * only the events of this application's functions, so that they are synced and called
 * like the application's own.
 * <p>
 * As in local mode, a failure handler's failure publishes nothing, the cancellation of
 * any run is published, and a listener that throws is logged and changes nothing. The
 * expression names the functions one by one ({@code event.data.function_id in [...]})
 * rather than by the app id's prefix, which would also take in the functions of an
 * application whose id starts with this one's and a dash. A listener may be called again
 * for the same run if the platform calls the function again, such as when its answer was
 * lost: the events' {@code runId} tells.
 */
public final class SystemEventFunctions {

	private static final Log logger = LogFactory.getLog(SystemEventFunctions.class);

	/** The id of the function that publishes {@link FunctionFailedEvent}. */
	public static final String FAILED_ID = "spring-function-failed-event";

	/** The id of the function that publishes {@link FunctionCancelledEvent}. */
	public static final String CANCELLED_ID = "spring-function-cancelled-event";

	private static final String BEAN_NAME = "inngestSystemEventFunctions";

	private final String appId;

	private final ApplicationEventPublisher publisher;

	private final TransactionOperations transaction;

	/**
	 * Creates the functions.
	 * @param appId the application's id, which prefixes its functions' ids on the
	 * platform
	 * @param publisher publishes the Spring events
	 * @param transaction runs the listeners, in a transaction of their own if it opens
	 * one
	 */
	public SystemEventFunctions(String appId, ApplicationEventPublisher publisher, TransactionOperations transaction) {
		this.appId = appId;
		this.publisher = publisher;
		this.transaction = transaction;
	}

	/**
	 * The application's functions with these added, as they are synced and called.
	 * @param functions the application's functions
	 * @return a registry of both
	 */
	public FunctionRegistry withSystemFunctions(FunctionRegistry functions) {
		List<FunctionDefinition> all = new ArrayList<>(functions.all());
		all.addAll(definitions(functions));
		return new FunctionRegistry(all);
	}

	/**
	 * The definitions of these functions for an application's functions: none for a kind
	 * of end that no function of the application can have.
	 * @param functions the application's functions
	 * @return the definitions
	 */
	public List<FunctionDefinition> definitions(FunctionRegistry functions) {
		List<FunctionDefinition> definitions = new ArrayList<>();
		List<String> failing = functions.all()
			.stream()
			.filter((function) -> !function.isFailureHandler())
			.map(FunctionDefinition::id)
			.sorted()
			.toList();
		// Sorted, so that the synced configuration does not change with the order
		// functions are found.
		List<String> cancellable = functions.all().stream().map(FunctionDefinition::id).sorted().toList();
		if (!failing.isEmpty()) {
			definitions.add(definition(FAILED_ID, "Publish FunctionFailedEvent", FunctionFailedEvent.NAME, failing,
					"publishFailed"));
		}
		if (!cancellable.isEmpty()) {
			definitions.add(definition(CANCELLED_ID, "Publish FunctionCancelledEvent", FunctionCancelledEvent.NAME,
					cancellable, "publishCancelled"));
		}
		return definitions;
	}

	private FunctionDefinition definition(String id, String name, String event, List<String> functionIds,
			String methodName) {
		Method method = ReflectionUtils.findMethod(SystemEventFunctions.class, methodName, Event.class);
		if (method == null) {
			throw new IllegalStateException("No method " + methodName + "(Event)");
		}
		List<Function<Invocation, @Nullable Object>> arguments = List.of(Invocation::event);
		return new FunctionDefinition(id, name, List.of(event), List.of(), Expression.compile(expression(functionIds)),
				Retries.DEFAULT, List.of(), FunctionTimeouts.NONE,
				FunctionInvoker.of(BEAN_NAME, this, method, arguments), null, null, null, null, null);
	}

	/**
	 * The condition that lets through the events of the given functions.
	 * @param functionIds the functions' ids, without the app id
	 * @return {@code event.data.function_id in ['<app-id>-<function-id>', ...]}
	 */
	String expression(List<String> functionIds) {
		return functionIds.stream()
			.map((functionId) -> literal(FunctionConfigs.compositeId(this.appId, functionId)))
			.collect(Collectors.joining(", ", "event.data.function_id in [", "]"));
	}

	private static String literal(String text) {
		return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
	}

	/**
	 * The body of the function triggered by {@code inngest/function.failed}: publishes a
	 * {@link FunctionFailedEvent}.
	 * @param event the system event
	 */
	public void publishFailed(Event event) {
		FunctionFailedEvent failed = FunctionFailedEvent.of(event);
		if (isOwn(failed.functionId())) {
			publish(failed, failed.runId());
		}
	}

	/**
	 * The body of the function triggered by {@code inngest/function.cancelled}: publishes
	 * a {@link FunctionCancelledEvent}.
	 * @param event the system event
	 */
	public void publishCancelled(Event event) {
		FunctionCancelledEvent cancelled = FunctionCancelledEvent.of(event);
		if (isOwn(cancelled.functionId())) {
			publish(cancelled, cancelled.runId());
		}
	}

	/**
	 * Whether a composite id is of this application's function, and not of one of these.
	 */
	private boolean isOwn(String functionId) {
		Set<String> own = Set.of(FunctionConfigs.compositeId(this.appId, FAILED_ID),
				FunctionConfigs.compositeId(this.appId, CANCELLED_ID));
		return functionId != null && functionId.startsWith(this.appId + "-") && !own.contains(functionId);
	}

	private void publish(Object event, String runId) {
		try {
			this.transaction.executeWithoutResult((status) -> this.publisher.publishEvent(event));
		}
		catch (RuntimeException ex) {
			logger.warn("A listener of " + event.getClass().getSimpleName() + " for run " + runId
					+ " threw; the run's state and its handling are unchanged", ex);
		}
	}

}
