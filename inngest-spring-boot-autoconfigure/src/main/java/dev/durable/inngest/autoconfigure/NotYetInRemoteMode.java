package dev.durable.inngest.autoconfigure;

import java.lang.reflect.Proxy;

/**
 * Stands in, in remote mode, for a part of the API that remote mode does not offer yet, so that
 * an application that injects it starts; every call says what is missing.
 */
final class NotYetInRemoteMode {

	private NotYetInRemoteMode() {
	}

	/**
	 * A stand-in whose methods throw {@link UnsupportedOperationException}.
	 * @param <T> the type
	 * @param type the interface
	 * @param what what is not supported, for the message
	 * @return the stand-in
	 */
	static <T> T of(Class<T> type, String what) {
		Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
				(instance, method, args) -> switch (method.getName()) {
					case "toString" -> type.getSimpleName() + " (not supported in remote mode yet)";
					case "hashCode" -> System.identityHashCode(instance);
					case "equals" -> instance == args[0];
					default -> throw new UnsupportedOperationException(
							what + " is not supported in remote mode yet (inngest.mode=remote)");
				});
		return type.cast(proxy);
	}

}
