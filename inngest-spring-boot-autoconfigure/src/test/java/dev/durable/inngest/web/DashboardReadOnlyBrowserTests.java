package dev.durable.inngest.web;

import java.util.UUID;

import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.engine.EngineTestApplication;
import dev.durable.inngest.engine.RunProbe;
import dev.durable.inngest.testsupport.HeadlessChromium;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.support.ui.ExpectedConditions;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runs dashboard with the endpoint as it is by default, in a real headless Chromium:
 * it says that it is read-only and why, offers no action, and shows no value that runs
 * carry.
 */
@SpringBootTest(classes = EngineTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=inngest,health", "inngest.dashboard.enabled=true" })
class DashboardReadOnlyBrowserTests {

	@LocalServerPort
	int port;

	@Autowired
	InngestClient inngest;

	@Autowired
	RunProbe probe;

	@Autowired
	InngestRuns runs;

	@RegisterExtension
	final HeadlessChromium chromium = new HeadlessChromium();

	private final String key = UUID.randomUUID().toString();

	@Test
	void aReadOnlyDashboardSaysWhyAndOffersNoActionNorValues() {
		String runId = this.probe.startSleepingReminder(this.inngest, this.key);
		this.chromium.browser().get("http://localhost:" + this.port + "/inngest/dashboard/");

		this.chromium.waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("read-only")));
		assertThat(this.chromium.browser().findElement(By.id("read-only")).getText())
			.contains("management.endpoint.inngest.access=unrestricted");
		this.chromium.waiting()
			.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("tr[data-function='reminder']"),
					"test/reminder.created"));
		assertThat(this.chromium.browser().findElements(By.cssSelector(".bulk-cancel"))).isEmpty();
		assertThat(this.chromium.browser().findElements(By.cssSelector(".bulk-replay"))).isEmpty();

		this.chromium.browser().findElement(By.cssSelector(".tab[data-tab='runs']")).click();
		// The list is redrawn every two seconds, so the row is found again if it was
		// replaced.
		this.chromium.waiting().ignoring(StaleElementReferenceException.class).until((driver) -> {
			driver.findElement(By.cssSelector("tr[data-run-id='" + runId + "']")).click();
			return true;
		});
		this.chromium.waiting().until(ExpectedConditions.textToBe(By.id("detail-status"), "SLEEPING"));
		assertThat(this.chromium.browser().findElement(By.id("cancel-run")).isDisplayed()).isFalse();
		String event = this.chromium.browser().findElement(By.id("detail-event")).getText();
		assertThat(event).contains("test/reminder.created").contains("******").doesNotContain(this.key);

		// An ended run is not offered for a rerun either.
		this.runs.cancel(runId);
		this.chromium.waiting().until(ExpectedConditions.textToBe(By.id("detail-status"), "CANCELLED"));
		assertThat(this.chromium.browser().findElement(By.id("rerun-run")).isDisplayed()).isFalse();
	}

}
