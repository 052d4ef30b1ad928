package dev.durable.inngest.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * The resources the starter reads from its jar at run time, for a native image: the
 * engine's and the outbox's schemas, the dashboard's page and the SDK's version.
 */
class InngestRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources()
			.registerPattern("dev/durable/inngest/local/schema-*.sql")
			.registerPattern("dev/durable/inngest/remote/outbox-*.sql")
			.registerPattern("dev/durable/inngest/remote/sdk.properties")
			.registerPattern("dev/durable/inngest/dashboard/*");
	}

}
