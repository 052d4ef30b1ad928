package dev.durable.inngest.autoconfigure;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;

/**
 * Warns, once the application has started its beans, of Inngest properties that are set
 * but have no effect where they are: remote mode's settings where local mode is the
 * default, not chosen (such as {@code INNGEST_DEV}, which an application moved from
 * another Inngest SDK may still set), and the executor enabled where it cannot run.
 * Otherwise they would be ignored without a word.
 */
final class IgnoredPropertiesWarning implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(IgnoredPropertiesWarning.class);

	/** Properties that only remote mode reads. */
	static final List<String> REMOTE_ONLY = List.of("inngest.dev", "inngest.base-url", "inngest.api-base-url",
			"inngest.event-api-base-url", "inngest.serve-path", "inngest.serve-origin", "inngest.env",
			"inngest.allow-in-band-sync");

	private final Environment environment;

	private final ListableBeanFactory beans;

	IgnoredPropertiesWarning(Environment environment, ListableBeanFactory beans) {
		this.environment = environment;
		this.beans = beans;
	}

	@Override
	public void afterSingletonsInstantiated() {
		String mode = this.environment.getProperty("inngest.mode");
		boolean remote = mode != null && "remote".equalsIgnoreCase(mode.trim());
		// Only where local mode is the default: one that chose it means it.
		if (mode == null) {
			List<String> set = REMOTE_ONLY.stream().filter(this.environment::containsProperty).toList();
			if (!set.isEmpty()) {
				String them = (set.size() == 1) ? "it" : "them";
				logger.warn(String.join(", ", set) + ((set.size() == 1) ? " is" : " are")
						+ " set, but only remote mode reads " + them + ", and inngest.mode is not set: the "
						+ "functions run on the local engine. Set inngest.mode=remote to serve them to an Inngest "
						+ "server, or inngest.mode=local to keep them here");
			}
		}
		boolean executor = "true"
			.equalsIgnoreCase(this.environment.getProperty("inngest.executor.enabled", "false").trim());
		if (executor
				&& this.beans.getBeanNamesForType(InngestExecutorAutoConfiguration.class, false, false).length == 0) {
			logger.warn("inngest.executor.enabled is true, but the executor is off: it runs on the local engine "
					+ "(inngest.mode=local) of a Spring MVC web application"
					+ (remote ? ", and inngest.mode is remote" : ", and this application is not one"));
		}
	}

}
