package dev.durable.inngest.autoconfigure;

import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.function.FunctionDiscoverer;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.beans.factory.config.BeanDefinition;

/**
 * Finds the {@link InngestFunction} methods of the application's beans, fails the start
 * when {@code inngest.mode} or {@code inngest.local.store} names no engine or a switch
 * such as {@code inngest.executor.enabled} is not written as its condition reads it, and
 * in local mode fails it when no engine would run the functions.
 */
@AutoConfiguration
@ConditionalOnClass(InngestFunction.class)
@EnableConfigurationProperties(InngestProperties.class)
@ImportRuntimeHints(InngestRuntimeHints.class)
public final class InngestAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static FunctionDiscoverer inngestFunctionDiscoverer() {
		return new FunctionDiscoverer();
	}

	/**
	 * Keeps the beans that declare functions eager under
	 * {@code spring.main.lazy-initialization}: a lazy one would never be created, and its
	 * functions never run.
	 */
	@Bean
	static LazyInitializationExcludeFilter inngestFunctionsAreEager() {
		return (beanName, definition, type) -> FunctionDiscoverer.declaresFunctions(type);
	}

	@Bean
	static EngineSelectionCheck inngestEngineSelectionCheck(Environment environment) {
		return new EngineSelectionCheck(environment);
	}

	@Bean
	static SwitchPropertiesCheck inngestSwitchPropertiesCheck(Environment environment) {
		return new SwitchPropertiesCheck(environment);
	}

	@Bean
	static IgnoredPropertiesWarning inngestIgnoredPropertiesWarning(Environment environment,
			ListableBeanFactory beans) {
		return new IgnoredPropertiesWarning(environment, beans);
	}

	@Bean
	@ConditionalOnProperty(name = "inngest.mode", havingValue = "local", matchIfMissing = true)
	static LocalEngineCheck inngestLocalEngineCheck(ListableBeanFactory beans, FunctionDiscoverer discoverer) {
		return new LocalEngineCheck(beans, discoverer);
	}

}
