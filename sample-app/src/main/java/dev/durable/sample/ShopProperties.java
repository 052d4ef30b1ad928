package dev.durable.sample;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The order service's settings.
 *
 * @param approvalThreshold orders above this amount (in cents) wait for a manager's
 * approval
 * @param approvalTimeout how long an order waits for approval before it is cancelled
 * @param coolOff how long a paid order waits before it ships, so a customer can still
 * change it
 * @param demoOrders whether to place a few demo orders at start-up
 * @param failureTracker where failed runs are forwarded
 */
@ConfigurationProperties("shop")
public record ShopProperties(long approvalThreshold, Duration approvalTimeout, Duration coolOff, boolean demoOrders,
		Tracker failureTracker) {

	/**
	 * An external events API that receives every failed run.
	 *
	 * @param url the URL failures are posted to; unset to forward nothing
	 */
	public record Tracker(String url) {
	}

}
