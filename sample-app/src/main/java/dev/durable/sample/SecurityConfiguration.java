package dev.durable.sample;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;

/**
 * Who may do what: operators (role {@code OPS}, the user {@code spring.security.user.*})
 * read and cancel runs through Actuator and the dashboard; health and the order API are
 * open.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	@Order(1)
	SecurityFilterChain operations(HttpSecurity http) throws Exception {
		http.securityMatcher(new OrRequestMatcher(EndpointRequest.toAnyEndpoint(),
				PathPatternRequestMatcher.withDefaults().matcher("/inngest/dashboard/**")))
			// Health is open to a load balancer; an operator who logs in sees its
			// details.
			.authorizeHttpRequests((requests) -> requests.requestMatchers(EndpointRequest.to("health"))
				.permitAll()
				.anyRequest()
				.hasRole("OPS"))
			.httpBasic(Customizer.withDefaults())
			// Actuator's write operations take JSON only, which no other site can send
			// without a CORS preflight that this application never allows, so no CSRF
			// token is needed.
			.csrf((csrf) -> csrf.disable());
		return http.build();
	}

	@Bean
	@Order(2)
	SecurityFilterChain everythingElse(HttpSecurity http) throws Exception {
		// The order API and the Inngest-shaped HTTP APIs are JSON APIs for other
		// services; the latter check their own event and signing keys.
		http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll()).csrf((csrf) -> csrf.disable());
		return http.build();
	}

}
