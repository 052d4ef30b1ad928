package dev.durable.inngest.remote;

import java.util.function.Supplier;

import dev.durable.inngest.function.FunctionRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The functions an application serves in remote mode: its own and the
 * {@link SystemEventFunctions} that publish the Spring events of their ends. The same
 * ones are synced, introspected and called. Built once, on first use, since the
 * application's functions are complete only once its beans are created and the system
 * functions' conditions are compiled as they are built.
 */
public final class ServedFunctions implements Supplier<FunctionRegistry> {

	private final Supplier<FunctionRegistry> application;

	private final @Nullable SystemEventFunctions system;

	private volatile @Nullable FunctionRegistry registry;

	/**
	 * Creates the served functions.
	 * @param application the application's functions
	 * @param system the functions that publish the Spring events of runs' ends, or
	 * {@code null} to serve the application's functions alone
	 */
	public ServedFunctions(Supplier<FunctionRegistry> application, @Nullable SystemEventFunctions system) {
		this.application = application;
		this.system = system;
	}

	@Override
	public FunctionRegistry get() {
		FunctionRegistry registry = this.registry;
		if (registry == null) {
			synchronized (this) {
				registry = this.registry;
				if (registry == null) {
					FunctionRegistry functions = this.application.get();
					registry = (this.system != null) ? this.system.withSystemFunctions(functions) : functions;
					this.registry = registry;
				}
			}
		}
		return registry;
	}

}
