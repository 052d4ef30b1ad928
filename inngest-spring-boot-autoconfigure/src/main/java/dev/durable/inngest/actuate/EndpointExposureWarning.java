package dev.durable.inngest.actuate;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.Show;

/**
 * Warns once at start-up when the {@code inngest} endpoint is exposed over HTTP in an
 * application with no Spring Security filter chain: whoever reaches the port then reads
 * every run, and with write access can cancel them.
 */
public final class EndpointExposureWarning implements SmartInitializingSingleton {

	/** The bean Spring Security's web configuration registers its filter chain under. */
	static final String SECURITY_FILTER_CHAIN = "springSecurityFilterChain";

	private static final Log logger = LogFactory.getLog(EndpointExposureWarning.class);

	private final ListableBeanFactory beans;

	private final String path;

	private final Access access;

	private final Show showValues;

	/**
	 * Creates the warning.
	 * @param beans the application's beans, to look for Spring Security's filter chain
	 * @param path where the endpoint is served, such as {@code /actuator/inngest}
	 * @param access the endpoint's access as configured
	 * @param showValues when it shows the values runs carry
	 */
	public EndpointExposureWarning(ListableBeanFactory beans, String path, Access access, Show showValues) {
		this.beans = beans;
		this.path = path;
		this.access = access;
		this.showValues = showValues;
	}

	@Override
	public void afterSingletonsInstantiated() {
		String message = message();
		if (message != null) {
			logger.warn(message);
		}
	}

	/**
	 * The warning, if there is one to give.
	 * @return the warning, or {@code null} if the endpoint is protected
	 */
	@Nullable String message() {
		if (this.beans.containsBean(SECURITY_FILTER_CHAIN) || this.access == Access.NONE) {
			return null;
		}
		List<String> exposed = new ArrayList<>();
		exposed.add("read every run's function, state, timing and errors");
		// Without Spring Security nobody is authenticated, so only ALWAYS shows the
		// values.
		if (this.showValues == Show.ALWAYS) {
			exposed.add("read the values runs carry (event data, outputs, stacks), as "
					+ "management.endpoint.inngest.show-values=always allows");
		}
		if (this.access == Access.UNRESTRICTED) {
			exposed.add("cancel any run and start bulk cancellations, rerun runs and start bulk replays (which "
					+ "repeat what their steps do), as management.endpoint.inngest.access=unrestricted allows");
		}
		return "The inngest Actuator endpoint is exposed over HTTP at " + this.path
				+ " and this application has no Spring Security filter chain: anyone who can reach the port can "
				+ String.join("; ", exposed) + ". Add Spring Security and require a role for it (see the "
				+ "documentation's docs/security.md), or serve Actuator on a management port that only operators "
				+ "can reach (management.server.port).";
	}

}
