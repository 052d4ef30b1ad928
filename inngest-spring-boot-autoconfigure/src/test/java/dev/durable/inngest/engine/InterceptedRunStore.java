package dev.durable.inngest.engine;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.BooleanSupplier;

import dev.durable.inngest.engine.store.RunStore;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * A run store whose every call goes through an interceptor before it reaches the real
 * store: for tests that hold a call back or record what it is given.
 */
public final class InterceptedRunStore {

	private InterceptedRunStore() {
	}

	/**
	 * Wraps a run store.
	 * @param store the real store
	 * @param interceptor called for every call, and proceeds to the real store itself
	 * @return the store, intercepted
	 */
	public static RunStore of(RunStore store, Interceptor interceptor) {
		return (RunStore) Proxy.newProxyInstance(RunStore.class.getClassLoader(), new Class<?>[] { RunStore.class },
				(proxy, method, args) -> interceptor.intercept(method, args, () -> {
					try {
						return method.invoke(store, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				}));
	}

	/**
	 * Wraps the run store of a test's application context, as a static {@code @Bean}.
	 * @param interceptor called for every call, and proceeds to the real store itself
	 * @return a post-processor that wraps every run store bean
	 */
	public static BeanPostProcessor inContext(Interceptor interceptor) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				return (bean instanceof RunStore runs) ? of(runs, interceptor) : bean;
			}

		};
	}

	/**
	 * Wraps the run store of a test's application context so that, while its process is
	 * dead, it writes nothing and reads nothing: a killed process does not give its runs
	 * back as it stops.
	 * @param dead whether the process is dead
	 * @return a post-processor that wraps every run store bean
	 */
	public static BeanPostProcessor deadWhile(BooleanSupplier dead) {
		return inContext((method, args, call) -> {
			if (dead.getAsBoolean()) {
				throw new IllegalStateException("The process is dead");
			}
			return call.proceed();
		});
	}

	/** Sees a call of the run store, and proceeds to the real store. */
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
