package dev.durable.inngest.autoconfigure;

import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.function.FunctionDiscoverer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.beans.factory.config.BeanDefinition;

/**
 * Finds the {@link InngestFunction} methods of the application's beans.
 */
@AutoConfiguration
@ConditionalOnClass(InngestFunction.class)
@EnableConfigurationProperties(InngestProperties.class)
public final class InngestAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static FunctionDiscoverer inngestFunctionDiscoverer() {
		return new FunctionDiscoverer();
	}

}
