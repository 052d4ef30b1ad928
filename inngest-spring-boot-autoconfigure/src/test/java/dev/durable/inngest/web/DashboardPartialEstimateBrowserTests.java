package dev.durable.inngest.web;

import java.util.UUID;

import dev.durable.inngest.InngestClient;
import dev.durable.inngest.engine.EngineTestApplication;
import dev.durable.inngest.engine.RunProbe;
import dev.durable.inngest.testsupport.HeadlessChromium;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's estimate of a bulk cancellation whose count stopped early, in a real
 * headless Chromium: shown as a lower bound, and the cancellation may still be started.
 */
@SpringBootTest(classes = EngineTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=inngest,health", "inngest.dashboard.enabled=true",
				"management.endpoint.inngest.access=unrestricted", "inngest.limits.bulk-count-scanned=1" })
class DashboardPartialEstimateBrowserTests {

	@LocalServerPort
	int port;

	@Autowired
	InngestClient inngest;

	@Autowired
	RunProbe probe;

	@RegisterExtension
	final HeadlessChromium chromium = new HeadlessChromium();

	@Test
	void anEstimateThatStoppedEarlyIsShownAsALowerBound() {
		String key = UUID.randomUUID().toString();
		this.probe.startSleepingReminder(this.inngest, key);
		this.probe.startSleepingReminder(this.inngest, key);
		this.chromium.browser().get("http://localhost:" + this.port + "/inngest/dashboard/");
		this.chromium.waiting()
			.until(ExpectedConditions.elementToBeClickable(By.cssSelector("tr[data-function='reminder'] .bulk-cancel")))
			.click();
		this.chromium.waiting()
			.until(ExpectedConditions.visibilityOfElementLocated(By.id("bulk-name")))
			.sendKeys("every reminder");
		this.chromium.browser().findElement(By.id("bulk-preview")).click();
		this.chromium.waiting()
			.until(ExpectedConditions.textToBe(By.id("bulk-estimate"),
					"At least 1 run will be cancelled (counting stopped early)."));
		assertThat(this.chromium.browser().findElement(By.id("bulk-start")).isEnabled()).isTrue();
	}

}
