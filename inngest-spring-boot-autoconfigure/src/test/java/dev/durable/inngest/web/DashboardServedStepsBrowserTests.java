package dev.durable.inngest.web;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.EngineTestApplication;
import dev.durable.inngest.engine.RunProbe;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.remote.SigningKey;
import dev.durable.inngest.remote.StepIds;
import dev.durable.inngest.testsupport.FakeServedApp;
import dev.durable.inngest.testsupport.FakeServedApp.Reply;
import dev.durable.inngest.testsupport.HeadlessChromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run of a function that an app on an Inngest SDK serves, in the dashboard in a real
 * headless Chromium: its steps, memoized by the SDK's hashed ids, are shown by the names
 * the app reported for them.
 */
@SpringBootTest(classes = EngineTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=inngest,health", "inngest.dashboard.enabled=true",
				"management.endpoint.inngest.access=unrestricted", "inngest.executor.enabled=true",
				"inngest.executor.signing-key=" + DashboardServedStepsBrowserTests.KEY })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardServedStepsBrowserTests {

	static final String KEY = "signkey-test-0123456789abcdef0123456789abcdef";

	private static final String RESERVE = StepIds.hash("reserve-stock");

	private static final String LABEL = StepIds.hash("send-label");

	private static final String CHARGE = StepIds.hash("charge");

	@LocalServerPort
	int port;

	@Autowired
	InngestClient inngest;

	@Autowired
	RunProbe probe;

	@RegisterExtension
	final HeadlessChromium chromium = new HeadlessChromium();

	private FakeServedApp app;

	@BeforeAll
	void syncApp() {
		this.app = new FakeServedApp(SigningKey.of(KEY)).function("served-ship", "served/ship", 2, (n) -> switch (n) {
			case 0 -> Reply.stepError("reserve-stock", "Reserve stock", "warehouse busy");
			case 1 -> Reply.stepRun("reserve-stock", "Reserve stock", "{\"reserved\":true}");
			case 2 -> Reply.stepRun("send-label", "Send label", "\"label-7\"");
			default -> Reply.done("\"shipped\"");
		});
		this.app.function("served-order", "served/order", 0,
				(n) -> (n == 0)
						? Reply.ops("[{\"op\":\"InvokeFunction\"," + "\"id\":\"" + CHARGE
								+ "\",\"name\":\"charge\",\"displayName\":\"Charge card\",\"opts\":"
								+ "{\"function_id\":\"served-charge\",\"payload\":{\"data\":{\"amount\":12}}}}]")
						: Reply.done("\"ordered\""));
		this.app.function("served-charge", "served/charge", 0, (n) -> Reply.done("{\"charged\":12}"));
		this.app.sync(this.port, "warehouse");
	}

	@AfterAll
	void stopApp() {
		this.app.close();
	}

	@Test
	void aServedRunsTimelineShowsItsStepsByTheirNames() {
		String eventId = this.inngest.send(Event.of("served/ship", Map.of("key", UUID.randomUUID().toString()))).get(0);
		RunRecord run = this.probe.awaitEnded(eventId, "served-ship");
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);

		openRun("served-ship", run.id());
		assertThat(this.chromium.count("#run-timeline rect[data-type='step'][data-step='" + RESERVE + "']")).isOne();
		assertThat(this.chromium.count("#run-timeline rect[data-type='step'][data-step='" + LABEL + "']")).isOne();
		List<String> labels = this.chromium
			.untilFresh((driver) -> driver.findElements(By.cssSelector("#run-timeline text.label"))
				.stream()
				.map(WebElement::getText)
				.toList());
		assertThat(labels).contains("Reserve stock", "Send label").doesNotContain(RESERVE, LABEL);
		assertThat(textContent("#run-timeline rect[data-step='" + RESERVE + "'] title")).startsWith("Reserve stock");
		assertThat(textContent("#run-timeline path.attempt[data-step='" + RESERVE + "'] title"))
			.startsWith("Reserve stock attempt 1 failed")
			.contains("warehouse busy");

		By step = By.cssSelector("#timeline li.step[data-step='" + RESERVE + "']");
		assertThat(this.chromium.text(step)).startsWith("Reserve stock (run, 2 attempts)");
		assertThat(this.chromium.attribute(step, "title")).isEqualTo(RESERVE);
		assertThat(this.chromium.text(By.cssSelector("#timeline li.step[data-step='" + LABEL + "']")))
			.startsWith("Send label (run, 1 attempt)");
		assertThat(this.chromium.text(By.id("detail-attempts"))).startsWith("Reserve stock attempt 1 at")
			.doesNotContain(RESERVE);
	}

	@Test
	void anInvokeStepIsShownByItsNameAsAnInvoke() {
		String eventId = this.inngest.send(Event.of("served/order", Map.of("key", UUID.randomUUID().toString())))
			.get(0);
		RunRecord run = this.probe.awaitEnded(eventId, "served-order");
		assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);

		openRun("served-order", run.id());
		assertThat(this.chromium.count("#run-timeline rect[data-type='invoke'][data-step='" + CHARGE + "']")).isOne();
		assertThat(textContent("#run-timeline rect[data-step='" + CHARGE + "'] title")).startsWith("Charge card")
			.contains("The invoked run completed");
		assertThat(this.chromium.text(By.cssSelector("#timeline li.step[data-step='" + CHARGE + "']")))
			.startsWith("Charge card (invoke, 1 attempt)");
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

	/** The text of an element that is not drawn, such as an SVG tooltip. */
	private String textContent(String css) {
		return this.chromium
			.untilFresh((driver) -> driver.findElement(By.cssSelector(css)).getAttribute("textContent"));
	}

}
