package dev.durable.inngest.engine;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

import dev.durable.inngest.engine.store.RunStore;

/**
 * A run store whose every call goes through an interceptor before it reaches the real store:
 * for tests that hold a call back or record what it is given.
 */
final class InterceptedRunStore {

	private InterceptedRunStore() {
	}

	/**
	 * Wraps a run store.
	 * @param store the real store
	 * @param interceptor called for every call, and proceeds to the real store itself
	 * @return the store, intercepted
	 */
	static RunStore of(RunStore store, Interceptor interceptor) {
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

	/** Sees a call of the run store, and proceeds to the real store. */
	@FunctionalInterface
	interface Interceptor {

		Object intercept(Method method, Object[] args, Call proceed) throws Throwable;

	}

	/** The call on the real store, throwing what it throws. */
	@FunctionalInterface
	interface Call {

		Object proceed() throws Throwable;

	}

}
