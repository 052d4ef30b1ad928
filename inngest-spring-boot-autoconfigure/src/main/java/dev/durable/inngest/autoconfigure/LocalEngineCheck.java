package dev.durable.inngest.autoconfigure;

import java.util.List;

import javax.sql.DataSource;

import dev.durable.inngest.engine.RunScheduler;
import dev.durable.inngest.function.FunctionDiscoverer;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Fails the start of a local-mode application whose durable functions have no engine to
 * run them, rather than letting it start and never run them: without a {@code DataSource}
 * (or with several and none primary) and without the in-memory store, the local engine
 * backs off.
 */
final class LocalEngineCheck implements SmartInitializingSingleton {

	private final ListableBeanFactory beans;

	private final FunctionDiscoverer discoverer;

	LocalEngineCheck(ListableBeanFactory beans, FunctionDiscoverer discoverer) {
		this.beans = beans;
		this.discoverer = discoverer;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.beans.getBeanNamesForType(RunScheduler.class, false, false).length > 0) {
			return;
		}
		// The discoverer builds its registry in the same callback: make sure it has.
		this.discoverer.afterSingletonsInstantiated();
		List<String> functions = this.discoverer.registry()
			.all()
			.stream()
			.map((function) -> "'" + function.id() + "', " + function.invoker())
			.toList();
		if (!functions.isEmpty()) {
			String[] dataSources = this.beans.getBeanNamesForType(DataSource.class, false, false);
			throw new NoEngineException(functions, (dataSources.length > 1) ? List.of(dataSources) : List.of());
		}
	}

}
