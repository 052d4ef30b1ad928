package dev.durable.inngest.autoconfigure;

import java.util.HashSet;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the {@code inngest} Actuator endpoint, beside Spring Boot's own
 * {@code management.endpoint.inngest.access} (read-only unless set to
 * {@code unrestricted}).
 */
@ConfigurationProperties("management.endpoint.inngest")
public class InngestEndpointProperties {

	/**
	 * When to show the values runs carry (event data and user, run and step outputs,
	 * error stacks): never (the default; they read "******"), when-authorized (to an
	 * authenticated user, with one of the roles if any are set), or always.
	 */
	private Show showValues = Show.NEVER;

	/**
	 * Roles a user needs to see the values with show-values=when-authorized; any
	 * authenticated user if empty.
	 */
	private Set<String> roles = new HashSet<>();

	public Show getShowValues() {
		return this.showValues;
	}

	public void setShowValues(Show showValues) {
		this.showValues = showValues;
	}

	public Set<String> getRoles() {
		return this.roles;
	}

	public void setRoles(Set<String> roles) {
		this.roles = roles;
	}

}
