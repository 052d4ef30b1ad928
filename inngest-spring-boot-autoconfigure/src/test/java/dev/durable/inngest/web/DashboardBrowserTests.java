package dev.durable.inngest.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.EngineTestApplication;
import dev.durable.inngest.engine.RunProbe;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.testsupport.HeadlessChromium;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runs dashboard end to end, in a real headless Chromium, with the endpoint's write
 * operations on: list runs, open one, cancel it, bulk-cancel a set and find it in the
 * history. Leaves a screenshot in {@code target/dashboard.png}.
 */
@SpringBootTest(classes = EngineTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=inngest,health", "inngest.dashboard.enabled=true",
				"management.endpoint.inngest.access=unrestricted", "management.endpoint.inngest.show-values=always" })
class DashboardBrowserTests {

	@LocalServerPort
	int port;

	@Autowired
	InngestClient inngest;

	@Autowired
	InngestRuns runs;

	@Autowired
	RunProbe probe;

	@Autowired
	RunStore runStore;

	@RegisterExtension
	final HeadlessChromium chromium = new HeadlessChromium();

	private final String key = UUID.randomUUID().toString();

	private String startReminder() {
		return this.probe.startSleepingReminder(this.inngest, this.key);
	}

	/** The text of what the locator finds, once it is visible. */
	private String text(By by) {
		return this.chromium.untilFresh((driver) -> {
			WebElement element = driver.findElement(by);
			return element.isDisplayed() ? element.getText() : null;
		});
	}

	private void awaitRowStatus(String runId, String status) {
		this.chromium.waiting()
			.until(ExpectedConditions.textToBe(By.cssSelector("tr[data-run-id='" + runId + "'] .status"), status));
	}

	@Test
	void anOperatorListsOpensCancelsAndBulkCancelsRuns() throws IOException {
		String single = startReminder();
		List<String> bulk = List.of(startReminder(), startReminder());

		this.chromium.browser().get("http://localhost:" + this.port + "/inngest/dashboard");
		// The counts are the function's, and the other tests' runs are among them.
		String sleeping = "SLEEPING " + this.runStore.countByFunction().get("reminder").get(RunStatus.SLEEPING);
		assertThat(text(By.cssSelector("tr[data-function='reminder']"))).contains("test/reminder.created")
			.contains(sleeping);

		// The runs of one function, by status
		this.chromium.click(By.xpath("//tr[@data-function='reminder']//button[text()='Runs']"));
		new Select(this.chromium.visible(By.id("filter-status"))).selectByVisibleText("SLEEPING");
		this.chromium.browser().findElement(By.cssSelector("#run-filters button[type=submit]")).click();
		awaitRowStatus(single, "SLEEPING");
		for (String runId : bulk) {
			awaitRowStatus(runId, "SLEEPING");
		}

		// One run: its steps as a timeline, then cancelled
		this.chromium.click(By.cssSelector("tr[data-run-id='" + single + "']"));
		this.chromium.waiting().until(ExpectedConditions.textToBe(By.id("detail-id"), single));
		assertThat(text(By.cssSelector("#timeline li[data-step='before']"))).contains("COMPLETED");
		assertThat(text(By.cssSelector("#timeline li[data-step='nap']"))).contains("SLEEPING");
		assertThat(text(By.id("detail-event"))).contains(this.key);
		assertThat(this.chromium.browser().findElement(By.id("read-only")).isDisplayed()).isFalse();
		this.chromium.visible(By.id("cancel-run")).click();
		assertThat(this.chromium.confirm(false)).startsWith("Cancel run " + single + "?");
		assertThat(this.runs.find(single).orElseThrow().status()).isEqualTo(RunStatus.SLEEPING);
		this.chromium.visible(By.id("cancel-run")).click();
		this.chromium.confirm(true);
		this.chromium.waiting().until(ExpectedConditions.textToBe(By.id("detail-status"), "CANCELLED"));
		assertThat(this.runs.find(single).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);

		// Bulk cancellation from the function's row: estimate, then start
		this.chromium.browser().findElement(By.cssSelector(".tab[data-tab='functions']")).click();
		this.chromium.click(By.cssSelector("tr[data-function='reminder'] .bulk-cancel"));
		this.chromium.visible(By.id("bulk-name")).sendKeys("stuck reminders");
		this.chromium.browser().findElement(By.id("bulk-condition")).sendKeys("event.data.key == '" + this.key + "'");
		assertThat(this.chromium.browser().findElement(By.id("bulk-start")).isEnabled()).isFalse();
		this.chromium.browser().findElement(By.id("bulk-preview")).click();
		this.chromium.waiting().until(ExpectedConditions.textToBe(By.id("bulk-estimate"), "2 runs will be cancelled."));
		WebElement start = this.chromium.browser().findElement(By.id("bulk-start"));
		assertThat(start.isEnabled()).isTrue();
		start.click();

		// The runs turn cancelled in the list
		new Select(this.chromium.visible(By.id("filter-status"))).selectByVisibleText("All");
		this.chromium.browser().findElement(By.cssSelector("#run-filters button[type=submit]")).click();
		for (String runId : bulk) {
			awaitRowStatus(runId, "CANCELLED");
			assertThat(this.runs.find(runId).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
		}
		this.chromium.click(By.cssSelector("tr[data-run-id='" + bulk.get(0) + "']"));
		this.chromium.waiting().until(ExpectedConditions.textToBe(By.id("detail-status"), "CANCELLED"));
		screenshot("dashboard-run.png");

		// And the cancellation in the history
		this.chromium.browser().findElement(By.cssSelector(".tab[data-tab='history']")).click();
		String row = "//tr[contains(@class,'cancellation-row')][.//strong[text()='stuck reminders']]";
		this.chromium.waiting()
			.until(ExpectedConditions.textToBe(By.xpath(row + "/td[contains(@class,'progress')]"), "2 of 2"));
		assertThat(text(By.xpath(row))).contains("reminder").contains(this.key);
		screenshot("dashboard.png");
	}

	@Test
	void pagesShownAndTextSelectedSurviveTheRefresh() {
		String opened = startReminder();
		List<Map<String, Object>> data = IntStream.range(0, 60)
			.<Map<String, Object>>mapToObj((i) -> Map.of("key", this.key, "reminderId", "r-" + i))
			.toList();
		this.inngest.send(data.stream().map((d) -> Event.of("test/reminder.created", d)).toList());
		this.chromium.browser().get("http://localhost:" + this.port + "/inngest/dashboard");
		this.chromium.click(By.xpath("//tr[@data-function='reminder']//button[text()='Runs']"));
		this.chromium.visible(By.id("more-runs")).click();
		this.chromium.waiting().until((driver) -> rows() > 50);
		this.chromium.click(By.cssSelector("tr[data-run-id='" + opened + "']"));
		this.chromium.waiting().until(ExpectedConditions.textToBe(By.id("detail-id"), opened));
		assertThat(this.chromium.text(By.cssSelector("#timeline li.step[data-step='nap']"))).contains("wakes");
		ChromeDriver browser = (ChromeDriver) this.chromium.browser();
		browser.executeScript("window.getSelection().selectAllChildren(document.getElementById('detail-event'))");
		String selected = (String) browser.executeScript("return window.getSelection().toString()");
		assertThat(selected).contains(this.key);

		// A run started now shows once the list was read again, with the page after the
		// first
		String later = startReminder();
		this.chromium.waiting()
			.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-run-id='" + later + "']")));
		assertThat(rows()).isGreaterThan(50);
		assertThat(browser.executeScript("return window.getSelection().toString()")).isEqualTo(selected);
	}

	@Test
	void aRunIsFoundByItsIdAndStaysOpenAcrossAReload() {
		String runId = startReminder();
		String dashboard = "http://localhost:" + this.port + "/inngest/dashboard/";
		this.chromium.browser().get(dashboard);
		this.chromium.browser().findElement(By.cssSelector(".tab[data-tab='runs']")).click();
		this.chromium.visible(By.id("lookup-run-id")).sendKeys("01NOSUCHRUN");
		this.chromium.browser().findElement(By.cssSelector("#run-lookup button[type=submit]")).click();
		String missing = "Could not read run 01NOSUCHRUN: 404 No run has the id '01NOSUCHRUN'";
		this.chromium.waiting().until(ExpectedConditions.textToBe(By.id("problem"), missing));
		// A status chosen but not yet shown applies to no refresh
		new Select(this.chromium.visible(By.id("filter-status"))).selectByVisibleText("COMPLETED");
		String later = startReminder();
		this.chromium.waiting()
			.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-run-id='" + later + "']")));
		assertThat(text(By.id("problem"))).isEqualTo(missing);

		WebElement lookup = this.chromium.browser().findElement(By.id("lookup-run-id"));
		lookup.clear();
		lookup.sendKeys(runId);
		this.chromium.browser().findElement(By.cssSelector("#run-lookup button[type=submit]")).click();
		this.chromium.waiting().until(ExpectedConditions.textToBe(By.id("detail-id"), runId));
		assertThat(this.chromium.browser().findElement(By.id("problem")).isDisplayed()).isFalse();
		assertThat(this.chromium.browser().getCurrentUrl()).endsWith("#runs/" + runId);

		this.chromium.browser().navigate().refresh();
		this.chromium.waiting().until(ExpectedConditions.textToBe(By.id("detail-id"), runId));
		assertThat(text(By.id("detail-status"))).isEqualTo("SLEEPING");
		assertThat(this.chromium.browser().findElement(By.id("runs")).isDisplayed()).isTrue();
	}

	@Test
	void runsAreFoundByAConditionOnTheirEvent() {
		List<String> mine = List.of(startReminder(), startReminder());
		String other = this.probe.startSleepingReminder(this.inngest, UUID.randomUUID().toString());
		this.chromium.browser().get("http://localhost:" + this.port + "/inngest/dashboard/");
		this.chromium.browser().findElement(By.cssSelector(".tab[data-tab='runs']")).click();
		this.chromium.visible(By.id("filter-condition")).sendKeys("event.data.key == '" + this.key + "'");
		this.chromium.browser().findElement(By.cssSelector("#run-filters button[type=submit]")).click();
		// The list shown before the filter holds these runs too: wait for it to be
		// replaced.
		this.chromium.waiting().until((driver) -> rows() == 2);
		for (String runId : mine) {
			awaitRowStatus(runId, "SLEEPING");
		}
		assertThat(this.chromium.count("tr[data-run-id='" + other + "']")).isZero();

		WebElement condition = this.chromium.browser().findElement(By.id("filter-condition"));
		condition.clear();
		condition.sendKeys("event.data.key ==");
		this.chromium.browser().findElement(By.cssSelector("#run-filters button[type=submit]")).click();
		this.chromium.waiting()
			.until(ExpectedConditions.textMatches(By.id("problem"),
					Pattern.compile("^Could not list runs: 400 condition: .+")));
	}

	private int rows() {
		return this.chromium.count("#run-rows tr.run-row");
	}

	@Test
	void anEstimateOfZeroRunsCannotBeStarted() {
		this.chromium.browser().get("http://localhost:" + this.port + "/inngest/dashboard/");
		this.chromium.click(By.cssSelector("tr[data-function='reminder'] .bulk-cancel"));
		this.chromium.visible(By.id("bulk-name")).sendKeys("nothing");
		this.chromium.browser()
			.findElement(By.id("bulk-condition"))
			.sendKeys("event.data.key == 'no-such-key-" + Instant.now() + "'");
		this.chromium.browser().findElement(By.id("bulk-preview")).click();
		this.chromium.waiting()
			.until(ExpectedConditions.textToBe(By.id("bulk-estimate"), "No run matches: nothing to cancel."));
		assertThat(this.chromium.browser().findElement(By.id("bulk-start")).isEnabled()).isFalse();
	}

	private void screenshot(String name) throws IOException {
		((ChromeDriver) this.chromium.browser()).executeScript("window.scrollTo(0, 0)");
		Path file = ((ChromeDriver) this.chromium.browser()).getScreenshotAs(OutputType.FILE).toPath();
		Files.copy(file, Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
	}

}
