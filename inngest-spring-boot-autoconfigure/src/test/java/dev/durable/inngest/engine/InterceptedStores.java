package dev.durable.inngest.engine;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.BooleanSupplier;

import dev.durable.inngest.engine.store.EventStore;
import dev.durable.inngest.engine.store.RunStore;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Stores whose every call goes through an interceptor before it reaches the real store:
 * for tests that hold a call back or record what it is given.
 */
public final class InterceptedStores {

	private InterceptedStores() {
	}

	/**
	 * Wraps a run store.
	 * @param store the real store
	 * @param interceptor called for every call, and proceeds to the real store itself
	 * @return the store, intercepted
	 */
	public static RunStore of(RunStore store, Interceptor interceptor) {
		return of(RunStore.class, store, interceptor);
	}

	/**
	 * Wraps a store.
	 * @param <T> its interface
	 * @param type its interface
	 * @param store the real store
	 * @param interceptor called for every call, and proceeds to the real store itself
	 * @return the store, intercepted
	 */
	public static <T> T of(Class<T> type, T store, Interceptor interceptor) {
		return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
				(proxy, method, args) -> interceptor.intercept(method, args, () -> {
					try {
						return method.invoke(store, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				})));
	}

	/**
	 * Wraps the run store of a test's application context, as a static {@code @Bean}.
	 * @param interceptor called for every call, and proceeds to the real store itself
	 * @return a post-processor that wraps every run store bean
	 */
	public static BeanPostProcessor inContext(Interceptor interceptor) {
		return inContext(RunStore.class, interceptor);
	}

	/**
	 * Wraps the stores of one kind of a test's application context, as a static
	 * {@code @Bean}.
	 * @param type the stores' interface
	 * @param interceptor called for every call, and proceeds to the real store itself
	 * @return a post-processor that wraps every bean of that type
	 */
	public static BeanPostProcessor inContext(Class<?> type, Interceptor interceptor) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				return type.isInstance(bean) ? wrap(type, bean, interceptor) : bean;
			}

		};
	}

	private static <T> T wrap(Class<T> type, Object bean, Interceptor interceptor) {
		return of(type, type.cast(bean), interceptor);
	}

	/**
	 * Wraps the run store and the event store of a test's application context so that,
	 * while its process is dead, they write nothing and read nothing: a killed process
	 * does not give its runs back as it stops, nor stores the events sent to it.
	 * @param dead whether the process is dead
	 * @return a post-processor that wraps every run store and event store bean
	 */
	public static BeanPostProcessor deadWhile(BooleanSupplier dead) {
		Interceptor interceptor = (method, args, call) -> {
			if (dead.getAsBoolean()) {
				throw new IllegalStateException("The process is dead");
			}
			return call.proceed();
		};
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof RunStore runs) {
					return of(runs, interceptor);
				}
				return (bean instanceof EventStore events) ? of(EventStore.class, events, interceptor) : bean;
			}

		};
	}

	/** Sees a call of a store, and proceeds to the real store. */
	@FunctionalInterface
	public interface Interceptor {

		Object intercept(Method method, Object[] args, Call proceed) throws Throwable;

	}

	/** The call on the real store, throwing what it throws. */
	@FunctionalInterface
	public interface Call {

		Object proceed() throws Throwable;

	}

}
