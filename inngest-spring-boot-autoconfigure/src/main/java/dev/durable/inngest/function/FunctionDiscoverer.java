package dev.durable.inngest.function;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.OnCancel;
import dev.durable.inngest.OnFailure;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.StringUtils;

/**
 * Finds {@link InngestFunction}, {@link OnFailure} and {@link OnCancel} methods on every
 * bean, the way Spring finds {@code @Scheduled} methods: on the target class behind
 * proxies, invoked through the proxy. Each method is read and validated once; once all
 * singletons exist, failure and cancellation handlers are linked to their functions and
 * the {@link FunctionRegistry} is built.
 */
public final class FunctionDiscoverer implements BeanPostProcessor, SmartInitializingSingleton {

	/** What marks the methods this discoverer reads: functions and their handlers. */
	private static final List<Class<? extends Annotation>> ANNOTATIONS = List.of(InngestFunction.class, OnFailure.class,
			OnCancel.class);

	private static final Log logger = LogFactory.getLog(FunctionDiscoverer.class);

	private final Set<Class<?>> classesWithoutFunctions = ConcurrentHashMap.newKeySet();

	/** The beans whose functions were read, by name: a prototype is created again. */
	private final Set<String> beansRead = ConcurrentHashMap.newKeySet();

	private final Map<String, FunctionDefinition> functions = new LinkedHashMap<>();

	private final Map<String, String> locations = new LinkedHashMap<>();

	private final List<PendingHandler> handlers = new ArrayList<>();

	/** The functions of the application's beans, once read. */
	private @Nullable FunctionRegistry declared;

	/** The functions other apps serve, which the engine executes for them. */
	private List<FunctionDefinition> served = List.of();

	/** The functions of the application's beans, and those other apps serve. */
	private volatile @Nullable FunctionRegistry registry;

	/**
	 * Whether a class has methods this discoverer reads: functions or their handlers.
	 * Such a bean must be created eagerly, even with lazy initialization on, for its
	 * functions to be known.
	 * @param type the class
	 * @return whether it declares any
	 */
	public static boolean declaresFunctions(Class<?> type) {
		if (!AnnotationUtils.isCandidateClass(type, ANNOTATIONS)) {
			return false;
		}
		return !MethodIntrospector
			.selectMethods(type,
					(MethodIntrospector.MetadataLookup<Boolean>) (method) -> ANNOTATIONS.stream()
						.anyMatch((annotation) -> AnnotatedElementUtils.hasAnnotation(method, annotation))
								? Boolean.TRUE : null)
			.isEmpty();
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (this.classesWithoutFunctions.contains(targetClass)
				|| !AnnotationUtils.isCandidateClass(targetClass, ANNOTATIONS)) {
			return bean;
		}
		Map<Method, InngestFunction> functionMethods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<InngestFunction>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, InngestFunction.class));
		Map<Method, OnFailure> handlerMethods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<OnFailure>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, OnFailure.class));
		Map<Method, OnCancel> cancellationMethods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<OnCancel>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, OnCancel.class));
		if (functionMethods.isEmpty() && handlerMethods.isEmpty() && cancellationMethods.isEmpty()) {
			this.classesWithoutFunctions.add(targetClass);
			return bean;
		}
		if (this.registry != null) {
			if (!this.beansRead.contains(beanName)) {
				warnCreatedAfterStart(beanName, targetClass, functionMethods, handlerMethods, cancellationMethods);
			}
			return bean;
		}
		if (!this.beansRead.add(beanName)) {
			// Another instance of a prototype bean, made for a second bean that uses it:
			// the first instance's functions are the bean's.
			return bean;
		}
		List<String> beanFunctions = new ArrayList<>();
		functionMethods.forEach((method, annotation) -> {
			FunctionDefinitionReader reader = reader(bean, beanName, method);
			FunctionDefinition definition = reader.readFunction(annotation);
			register(definition, reader.location());
			beanFunctions.add(definition.id());
		});
		handlerMethods.forEach((method, annotation) -> this.handlers.add(new PendingHandler(HandlerKind.FAILURE,
				annotation.function(), List.copyOf(beanFunctions), reader(bean, beanName, method))));
		cancellationMethods
			.forEach((method, annotation) -> this.handlers.add(new PendingHandler(HandlerKind.CANCELLATION,
					annotation.function(), List.copyOf(beanFunctions), reader(bean, beanName, method))));
		return bean;
	}

	/**
	 * A bean created once the functions were read, which only a lazy bean can be, whose
	 * declared type hid its functions from the lazy-initialization exclusion.
	 */
	private void warnCreatedAfterStart(String beanName, Class<?> targetClass, Map<Method, InngestFunction> functions,
			Map<Method, ?> failureHandlers, Map<Method, ?> cancellationHandlers) {
		List<String> names = new ArrayList<>();
		functions.values().forEach((annotation) -> names.add(annotation.id()));
		failureHandlers.keySet().forEach((method) -> names.add("@OnFailure " + method.getName()));
		cancellationHandlers.keySet().forEach((method) -> names.add("@OnCancel " + method.getName()));
		logger.warn("Bean '" + beanName + "' declares durable functions " + names
				+ " but was created after the start, lazily: they will not run. Its declared type hid them from the "
				+ "exclusion of function beans from spring.main.lazy-initialization: declare " + targetClass.getName()
				+ " as its type, or annotate it @Lazy(false).");
	}

	private FunctionDefinitionReader reader(Object bean, String beanName, Method method) {
		Method invocable;
		try {
			invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		}
		catch (IllegalStateException ex) {
			// A JDK proxy exposes its interfaces' methods only; a proxy of the class
			// cannot pass a call to a private method on to the bean.
			throw new InvalidFunctionException(FunctionDefinitionReader.location(beanName, method),
					List.of(Proxy.isProxyClass(bean.getClass())
							? "the bean is a JDK proxy, whose interfaces do not declare " + method.getName()
									+ ": declare the method on an interface of the bean, or have Spring proxy the "
									+ "class (spring.aop.proxy-target-class=true, Spring Boot's default)"
							: "the method is private, and the bean is a proxy, which cannot pass a call to it on "
									+ "to the bean: make it package-private, protected or public"));
		}
		int modifiers = invocable.getModifiers();
		if (AopUtils.isCglibProxy(bean) && Modifier.isFinal(modifiers) && !Modifier.isStatic(modifiers)) {
			// The call would run on the proxy itself, whose fields are never set,
			// past the bean's aspects.
			throw new InvalidFunctionException(FunctionDefinitionReader.location(beanName, method),
					List.of("the method is final, and the bean is a proxy of its class, which cannot override it "
							+ "to pass the call on to the bean: remove final"));
		}
		return new FunctionDefinitionReader(beanName, bean, method, invocable);
	}

	private synchronized void register(FunctionDefinition definition, String location) {
		String previous = this.locations.putIfAbsent(definition.id(), location);
		if (previous != null) {
			throw new InvalidFunctionException(location, List.of("the function id '" + definition.id()
					+ "' is already used by " + previous + "; function ids must be unique"));
		}
		this.functions.put(definition.id(), definition);
	}

	@Override
	public synchronized void afterSingletonsInstantiated() {
		Map<String, FunctionDefinition> linked = new LinkedHashMap<>(this.functions);
		for (PendingHandler handler : this.handlers) {
			String location = handler.reader().location();
			HandlerKind kind = handler.kind();
			String functionId = handler.resolveFunctionId();
			FunctionDefinition function = linked.get(functionId);
			if (function == null || function.handles() != null) {
				throw new InvalidFunctionException(location, List.of(kind.annotation + "(function = \"" + functionId
						+ "\") names no function; known functions are " + this.functions.keySet()));
			}
			String existing = kind.handlerId(function);
			if (existing != null) {
				throw new InvalidFunctionException(location, List.of("function '" + functionId + "' already has a "
						+ kind.description + ", " + linked.get(existing).invoker()));
			}
			FunctionDefinition definition = kind.read(handler.reader(), function);
			if (linked.containsKey(definition.id())) {
				throw new InvalidFunctionException(location,
						List.of("the " + kind.description + " of '" + functionId + "' is registered as function '"
								+ definition.id() + "', an id already used by " + this.locations.get(definition.id())
								+ "; rename that function"));
			}
			linked.put(definition.id(), definition);
			linked.put(functionId, kind.link(function, definition.id()));
		}
		this.declared = new FunctionRegistry(linked.values());
		this.registry = merged();
	}

	/**
	 * Replaces the functions that other apps serve, which the engine executes besides the
	 * application's own: the registry the engine reads from then on holds both.
	 * @param functions the served functions, with ids that no function of the application
	 * uses
	 * @throws IllegalArgumentException if one has the id of one of the application's own
	 * functions, or two the same id
	 */
	public synchronized void serve(Collection<FunctionDefinition> functions) {
		List<FunctionDefinition> previous = this.served;
		this.served = List.copyOf(functions);
		try {
			if (this.declared != null) {
				this.registry = merged();
			}
		}
		catch (IllegalArgumentException ex) {
			this.served = previous;
			throw ex;
		}
	}

	private FunctionRegistry merged() {
		if (this.served.isEmpty()) {
			return this.declared;
		}
		List<FunctionDefinition> all = new ArrayList<>(this.declared.all());
		for (FunctionDefinition function : this.served) {
			if (this.declared.find(function.id()).isPresent()) {
				throw new IllegalArgumentException("Function id '" + function.id() + "' is used by the application's "
						+ "own function " + this.locations.get(function.id()));
			}
			all.add(function);
		}
		return new FunctionRegistry(all);
	}

	/**
	 * The functions found, complete once all singletons have been created.
	 * @return the registry
	 * @throws IllegalStateException if called before the singletons were created
	 */
	public FunctionRegistry registry() {
		FunctionRegistry registry = this.registry;
		if (registry == null) {
			throw new IllegalStateException("Durable functions are read once all singleton beans have been created");
		}
		return registry;
	}

	private enum HandlerKind {

		FAILURE("@OnFailure", "failure handler"),

		CANCELLATION("@OnCancel", "cancellation handler");

		private final String annotation;

		private final String description;

		HandlerKind(String annotation, String description) {
			this.annotation = annotation;
			this.description = description;
		}

		@Nullable String handlerId(FunctionDefinition function) {
			return (this == FAILURE) ? function.failureHandlerId() : function.cancellationHandlerId();
		}

		FunctionDefinition read(FunctionDefinitionReader reader, FunctionDefinition function) {
			return (this == FAILURE) ? reader.readFailureHandler(function) : reader.readCancellationHandler(function);
		}

		FunctionDefinition link(FunctionDefinition function, String handlerId) {
			return (this == FAILURE) ? function.withFailureHandler(handlerId)
					: function.withCancellationHandler(handlerId);
		}

	}

	private record PendingHandler(HandlerKind kind, String function, List<String> beanFunctions,
			FunctionDefinitionReader reader) {

		String resolveFunctionId() {
			if (StringUtils.hasText(this.function)) {
				return this.function;
			}
			if (this.beanFunctions.size() == 1) {
				return this.beanFunctions.get(0);
			}
			String annotation = this.kind.annotation;
			throw new InvalidFunctionException(this.reader.location(),
					List.of(annotation + " names no function and its " + "bean declares " + this.beanFunctions.size()
							+ " functions " + this.beanFunctions + "; set " + annotation + "(function = \"...\")"));
		}

	}

}
