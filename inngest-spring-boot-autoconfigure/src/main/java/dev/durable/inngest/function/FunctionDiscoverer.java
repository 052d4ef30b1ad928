package dev.durable.inngest.function;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.OnFailure;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.StringUtils;

/**
 * Finds {@link InngestFunction} and {@link OnFailure} methods on every bean, the way Spring
 * finds {@code @Scheduled} methods: on the target class behind proxies, invoked through the
 * proxy. Each method is read and validated once; once all singletons exist, failure handlers
 * are linked to their functions and the {@link FunctionRegistry} is built.
 */
public final class FunctionDiscoverer implements BeanPostProcessor, SmartInitializingSingleton {

	private final Set<Class<?>> classesWithoutFunctions = ConcurrentHashMap.newKeySet();

	private final Map<String, FunctionDefinition> functions = new LinkedHashMap<>();

	private final Map<String, String> locations = new LinkedHashMap<>();

	private final List<PendingHandler> handlers = new ArrayList<>();

	private volatile FunctionRegistry registry;

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (this.classesWithoutFunctions.contains(targetClass)
				|| !AnnotationUtils.isCandidateClass(targetClass, List.of(InngestFunction.class, OnFailure.class))) {
			return bean;
		}
		Map<Method, InngestFunction> functionMethods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<InngestFunction>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, InngestFunction.class));
		Map<Method, OnFailure> handlerMethods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<OnFailure>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, OnFailure.class));
		if (functionMethods.isEmpty() && handlerMethods.isEmpty()) {
			this.classesWithoutFunctions.add(targetClass);
			return bean;
		}
		List<String> beanFunctions = new ArrayList<>();
		functionMethods.forEach((method, annotation) -> {
			FunctionDefinitionReader reader = reader(bean, beanName, method);
			FunctionDefinition definition = reader.readFunction(annotation);
			register(definition, reader.location());
			beanFunctions.add(definition.id());
		});
		handlerMethods.forEach((method, annotation) -> this.handlers
			.add(new PendingHandler(annotation.function(), List.copyOf(beanFunctions), reader(bean, beanName, method))));
		return bean;
	}

	private FunctionDefinitionReader reader(Object bean, String beanName, Method method) {
		return new FunctionDefinitionReader(beanName, bean, method,
				AopUtils.selectInvocableMethod(method, bean.getClass()));
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
			String functionId = handler.resolveFunctionId();
			FunctionDefinition function = linked.get(functionId);
			if (function == null || function.isFailureHandler()) {
				throw new InvalidFunctionException(location, List.of("@OnFailure(function = \"" + functionId
						+ "\") names no function; known functions are " + this.functions.keySet()));
			}
			if (function.failureHandlerId() != null) {
				throw new InvalidFunctionException(location, List.of("function '" + functionId
						+ "' already has a failure handler, " + linked.get(function.failureHandlerId()).invoker()));
			}
			FunctionDefinition definition = handler.reader().readFailureHandler(function);
			if (linked.containsKey(definition.id())) {
				throw new InvalidFunctionException(location, List.of("the failure handler of '" + functionId
						+ "' is registered as function '" + definition.id() + "', an id already used by "
						+ this.locations.get(definition.id()) + "; rename that function"));
			}
			linked.put(definition.id(), definition);
			linked.put(functionId, function.withFailureHandler(definition.id()));
		}
		this.registry = new FunctionRegistry(linked.values());
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

	private record PendingHandler(String function, List<String> beanFunctions, FunctionDefinitionReader reader) {

		String resolveFunctionId() {
			if (StringUtils.hasText(this.function)) {
				return this.function;
			}
			if (this.beanFunctions.size() == 1) {
				return this.beanFunctions.get(0);
			}
			throw new InvalidFunctionException(this.reader.location(), List.of("@OnFailure names no function and its bean "
					+ "declares " + this.beanFunctions.size() + " functions " + this.beanFunctions
					+ "; set @OnFailure(function = \"...\")"));
		}

	}

}
