package dev.durable.inngest.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.EngineTestApplication;
import dev.durable.inngest.engine.Executions;
import dev.durable.inngest.engine.RunProbe;
import dev.durable.inngest.engine.store.RunRecord;
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
import static org.awaitility.Awaitility.await;

/**
 * A run's timeline, its rerun and a bulk replay in the dashboard, in a real headless
 * Chromium. Leaves a screenshot of the timeline in {@code target/run-timeline.png}.
 */
@SpringBootTest(classes = { EngineTestApplication.class, TimelineFunctions.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=inngest,health", "inngest.dashboard.enabled=true",
				"management.endpoint.inngest.access=unrestricted", "management.endpoint.inngest.show-values=always" })
class DashboardTimelineBrowserTests {

	@LocalServerPort
	int port;

	@Autowired
	InngestClient inngest;

	@Autowired
	InngestRuns runs;

	@Autowired
	RunProbe probe;

	@Autowired
	Executions executions;

	@RegisterExtension
	final HeadlessChromium chromium = new HeadlessChromium();

	private final String key = UUID.randomUUID().toString();

	private RunRecord ship(boolean fail) {
		String eventId = this.inngest.send(Event.of("test/ship", Map.of("key", this.key, "fail", fail))).get(0);
		return this.probe.awaitEnded(eventId, "ship-order");
	}

	private void openRun(String functionId, String runId) {
		this.chromium.browser().get("http://localhost:" + this.port + "/inngest/dashboard");
		this.chromium.visible(By.cssSelector("tr[data-function='" + functionId + "']"));
		this.chromium.click(By.cssSelector(".tab[data-tab='runs']"));
		new Select(this.chromium.visible(By.id("filter-function"))).selectByValue(functionId);
		this.chromium.click(By.cssSelector("#run-filters button[type=submit]"));
		this.chromium.click(By.cssSelector("tr[data-run-id='" + runId + "']"));
		this.chromium.waiting().until(ExpectedConditions.textToBe(By.id("detail-id"), runId));
		this.chromium.visible(By.cssSelector("#run-timeline svg"));
	}

	@Test
	void theTimelineShowsRetriesTheSleepTheFailureAndItsHandlerAndTheRunIsRerun() throws IOException {
		RunRecord failed = ship(true);
		assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.executions.count(this.key, "notify") == 1);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.runs.timeline(failed.id())
				.orElseThrow()
				.spans()
				.stream()
				.anyMatch((span) -> span.type().equals("failure-handler") && "COMPLETED".equals(span.status())));

		openRun("ship-order", failed.id());
		this.chromium.waiting()
			.until((driver) -> this.chromium.count("#run-timeline rect[data-type='failure-handler']") == 1);
		assertThat(this.chromium.count("#run-timeline rect[data-type='queued']")).isOne();
		assertThat(this.chromium.count("#run-timeline rect[data-type='step'][data-step='reserve']")).isOne();
		assertThat(this.chromium.count("#run-timeline path.attempt[data-step='reserve']")).isEqualTo(2);
		assertThat(this.chromium.count("#run-timeline rect[data-type='sleep'][data-step='cool-off']")).isOne();
		assertThat(this.chromium.count("#run-timeline rect[data-type='step'][data-step='label']")).isOne();
		assertThat(this.chromium.count("#run-timeline line[data-type='failed']")).isOne();
		String tooltips = this.chromium
			.untilFresh((driver) -> driver.findElement(By.id("run-timeline")).getAttribute("innerHTML"));
		assertThat(tooltips).contains("warehouse busy").contains("no carrier for this address");
		assertThat(this.chromium.text(By.id("detail-output"))).isEqualTo("(none)");
		// The failed step's error, and each failed attempt's stack, unfold on demand.
		By labelError = By.cssSelector("#timeline li.step[data-step='label'] details.on-demand");
		assertThat(this.chromium.text(labelError)).isEqualTo("error");
		String error = this.chromium.untilFresh((driver) -> {
			WebElement details = driver.findElement(labelError);
			if (details.getAttribute("open") == null) {
				details.findElement(By.tagName("summary")).click();
				return null;
			}
			return details.getText();
		});
		assertThat(error).contains("no carrier for this address");
		assertThat(this.chromium.count("#detail-attempts li details.on-demand")).isGreaterThanOrEqualTo(2);
		screenshot(this.chromium.browser().findElement(By.id("run-detail")), "run-timeline.png");

		this.chromium.visible(By.id("rerun-run")).click();
		assertThat(this.chromium.confirm(true)).startsWith("Run " + failed.id() + " again");
		String rerunId = this.chromium.waiting().until((driver) -> {
			String shown = driver.findElement(By.id("detail-id")).getText();
			return shown.equals(failed.id()) ? null : shown;
		});
		assertThat(this.chromium.text(By.id("detail-links"))).contains("Rerun of " + failed.id());
		assertThat(this.runs.find(rerunId).orElseThrow().rerunOf()).isEqualTo(failed.id());
		assertThat(this.runs.find(failed.id()).orElseThrow().reruns()).containsExactly(rerunId);

		// The failure handler's row opens the handler's own run.
		String handlerRunId = this.runs.timeline(failed.id())
			.orElseThrow()
			.spans()
			.stream()
			.filter((span) -> span.type().equals("failure-handler"))
			.findFirst()
			.orElseThrow()
			.runId();
		openRun("ship-order", failed.id());
		assertThat(this.chromium.text(By.id("detail-summary"))).contains("event sent");
		this.chromium.click(By.cssSelector("#run-timeline text.run-link[data-run-id='" + handlerRunId + "']"));
		this.chromium.waiting().until(ExpectedConditions.textToBe(By.id("detail-id"), handlerRunId));
	}

	@Test
	void aRunThatHasNotEndedIsDrawnToNowAndKeepsWhatTheReaderUnfolded() {
		String eventId = this.inngest.send(Event.of("test/quote", Map.of("key", this.key))).get(0);
		String runId = this.probe.awaitRunId(eventId, "quote-then-settle");
		this.probe.awaitStatus(runId, RunStatus.SLEEPING);
		openRun("quote-then-settle", runId);
		By output = By.cssSelector("#timeline li.step[data-step='quote'] details.on-demand");
		this.chromium.click(By.cssSelector("#timeline li.step[data-step='quote'] details.on-demand summary"));
		assertThat(this.chromium.attribute(output, "open")).isNotNull();
		ChromeDriver browser = (ChromeDriver) this.chromium.browser();
		browser.executeScript("window.getSelection().selectAllChildren("
				+ "document.querySelector(\"#timeline li.step[data-step='quote'] details.on-demand pre\"))");
		String selected = (String) browser.executeScript("return window.getSelection().toString()");
		assertThat(selected).contains("quoted " + this.key);
		By sleep = By.cssSelector("#timeline li.step[data-step='settle'] .bar");
		String before = this.chromium.attribute(sleep, "title");
		assertThat(before).endsWith(" so far");

		// The store reads the same at each refresh, and the sleep's bar still grows
		String after = this.chromium.waiting().until((driver) -> {
			String title = driver.findElement(sleep).getAttribute("title");
			return title.equals(before) ? null : title;
		});
		assertThat(after).endsWith(" so far");
		assertThat(this.chromium.attribute(output, "open")).isNotNull();
		assertThat(this.chromium.text(output)).contains("quoted " + this.key);
		assertThat(browser.executeScript("return window.getSelection().toString()")).isEqualTo(selected);
	}

	@Test
	void aRunOfHundredsOfStepsKeepsOneRowEachInABoxThatScrolls() {
		String eventId = this.inngest.send(Event.of("test/many", Map.of("key", this.key, "count", 300))).get(0);
		RunRecord run = this.probe.awaitEnded(eventId, "many-steps");
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
		openRun("many-steps", run.id());
		assertThat(this.chromium.count("#run-timeline rect[data-type='step']")).isEqualTo(300);
		assertThat(this.chromium.attribute(By.cssSelector("#run-timeline svg"), "data-rows")).isEqualTo("301");
		WebElement box = this.chromium.browser().findElement(By.id("run-timeline"));
		assertThat(box.getSize().getHeight()).isLessThanOrEqualTo(520);
		assertThat(this.chromium.text(By.id("detail-output"))).isEqualTo(String.valueOf(300 * 299 / 2));
	}

	@Test
	void aBulkReplayRerunsExactlyTheFailedRunsOfItsRangeAndReportsItsCount() {
		List<String> failed = new ArrayList<>();
		List<String> completed = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			RunRecord run = ship(i % 2 == 0);
			(run.status() == RunStatus.FAILED ? failed : completed).add(run.id());
		}
		assertThat(failed).hasSize(3);

		this.chromium.browser().get("http://localhost:" + this.port + "/inngest/dashboard");
		this.chromium.click(By.cssSelector("tr[data-function='ship-order'] .bulk-replay"));
		assertThat(this.chromium.text(By.id("bulk-title"))).isEqualTo("Bulk replay");
		this.chromium.visible(By.id("bulk-name")).sendKeys("replay failed shipments");
		this.chromium.browser().findElement(By.id("bulk-condition")).sendKeys("event.data.key == '" + this.key + "'");
		this.chromium.browser().findElement(By.id("bulk-preview")).click();
		this.chromium.waiting().until(ExpectedConditions.textToBe(By.id("bulk-estimate"), "3 runs will be replayed."));
		this.chromium.browser().findElement(By.id("bulk-start")).click();

		String row = "//tr[contains(@class,'replay-row')][.//strong[text()='replay failed shipments']]";
		this.chromium.waiting()
			.until(ExpectedConditions.textToBe(By.xpath(row + "/td[contains(@class,'progress')]"), "3 of 3"));
		this.chromium.waiting()
			.until(ExpectedConditions.textToBe(By.xpath(row + "//span[contains(@class,'status')]"), "COMPLETED"));
		for (String runId : failed) {
			assertThat(this.runs.find(runId).orElseThrow().reruns()).hasSize(1);
		}
		for (String runId : completed) {
			assertThat(this.runs.find(runId).orElseThrow().reruns()).isEmpty();
		}
	}

	@Test
	void theChartsOfAFunctionCountTheRunsItStartedCompletedAndFailed() throws IOException {
		int failedAttempts = 0;
		for (int i = 0; i < 5; i++) {
			String eventId = this.inngest.send(Event.of("test/tally", Map.of("key", this.key, "fail", i < 2))).get(0);
			RunRecord run = this.probe.awaitEnded(eventId, "tally");
			assertThat(run.status()).isEqualTo((i < 2) ? RunStatus.FAILED : RunStatus.COMPLETED);
			failedAttempts += this.probe.attempts(run.id()).size();
		}
		this.chromium.browser().get("http://localhost:" + this.port + "/inngest/dashboard");
		this.chromium.visible(By.cssSelector("tr[data-function='tally']"));
		this.chromium.click(By.cssSelector("tr[data-function='tally'] button.charts"));
		String series = "#chart-runs polyline[data-series='%s']";
		this.chromium.waiting()
			.until(ExpectedConditions.attributeToBe(By.cssSelector(series.formatted("started")), "data-total", "5"));
		assertThat(total(series.formatted("completed"))).isEqualTo("3");
		assertThat(total(series.formatted("failed"))).isEqualTo("2");
		assertThat(total(series.formatted("cancelled"))).isEqualTo("0");
		assertThat(total("#chart-failures svg")).isEqualTo(String.valueOf(failedAttempts));
		assertThat(this.chromium.count("#chart-latency rect[data-latency='end to end p50']")).isOne();
		// The buckets in which the five runs ended, one point each, and no other.
		for (String percentile : new String[] { "p50", "p99" }) {
			String line = "#chart-latency-over-time g[data-percentile='%s']".formatted(percentile);
			assertThat(Integer.parseInt(this.chromium
				.untilFresh((driver) -> driver.findElement(By.cssSelector(line)).getAttribute("data-points"))))
				.isBetween(1, 5);
		}
		String legend = this.chromium
			.untilFresh((driver) -> driver.findElement(By.cssSelector("#chart-runs svg")).getText());
		assertThat(legend).contains("started 5");
		screenshot(this.chromium.browser().findElement(By.id("charts")), "run-charts.png");
	}

	private String total(String css) {
		return this.chromium.untilFresh((driver) -> driver.findElement(By.cssSelector(css)).getAttribute("data-total"));
	}

	private void screenshot(WebElement element, String name) throws IOException {
		Path file = element.getScreenshotAs(OutputType.FILE).toPath();
		Files.copy(file, Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
	}

}
