package dev.durable.inngest.web;

import java.time.Duration;
import java.util.UUID;

import dev.durable.inngest.InngestClient;
import dev.durable.inngest.engine.EngineTestApplication;
import dev.durable.inngest.engine.RunProbe;
import dev.durable.inngest.testsupport.HeadlessChromium;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runs dashboard with the endpoint as it is by default, in a real headless Chromium: it says
 * that it is read-only and why, offers no action, and shows no value that runs carry.
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

	private WebDriver browser;

	private WebDriverWait wait;

	private final String key = UUID.randomUUID().toString();

	@BeforeEach
	void openBrowser() {
		this.browser = HeadlessChromium.start();
		this.wait = new WebDriverWait(this.browser, Duration.ofSeconds(15));
	}

	@AfterEach
	void closeBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	@Test
	void aReadOnlyDashboardSaysWhyAndOffersNoActionNorValues() {
		String runId = this.probe.startSleepingReminder(this.inngest, this.key);
		this.browser.get("http://localhost:" + this.port + "/inngest/dashboard/");

		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("read-only")));
		assertThat(this.browser.findElement(By.id("read-only")).getText())
			.contains("management.endpoint.inngest.access=unrestricted");
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("tr[data-function='reminder']"),
				"test/reminder.created"));
		assertThat(this.browser.findElements(By.cssSelector(".bulk-cancel"))).isEmpty();

		this.browser.findElement(By.cssSelector(".tab[data-tab='runs']")).click();
		this.wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("tr[data-run-id='" + runId + "']")))
			.click();
		this.wait.until(ExpectedConditions.textToBe(By.id("detail-status"), "SLEEPING"));
		assertThat(this.browser.findElement(By.id("cancel-run")).isDisplayed()).isFalse();
		String event = this.browser.findElement(By.id("detail-event")).getText();
		assertThat(event).contains("test/reminder.created").contains("******").doesNotContain(this.key);
	}

}
