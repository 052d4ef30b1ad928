package dev.durable.inngest.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's Chromium, headless, driven by its chromedriver: a browser for each test, quit
 * after it, and the test skipped where they are not installed. Started with no network of
 * its own beyond the page under test. Register it with {@code @RegisterExtension}.
 */
public final class HeadlessChromium implements BeforeEachCallback, AfterEachCallback {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private WebDriver browser;

	private WebDriverWait wait;

	@Override
	public void beforeEach(ExtensionContext context) {
		this.browser = start();
		this.wait = new WebDriverWait(this.browser, Duration.ofSeconds(15));
	}

	@Override
	public void afterEach(ExtensionContext context) {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	/**
	 * The test's browser.
	 * @return the browser
	 */
	public WebDriver browser() {
		return this.browser;
	}

	/**
	 * Waits of up to 15 seconds in the test's browser.
	 * @return the wait
	 */
	public WebDriverWait waiting() {
		return this.wait;
	}

	/**
	 * Waits for {@code action} to give a value, finding its element again if the
	 * dashboard's refresh (every two seconds) replaced it between the finding and the
	 * use.
	 * @param <T> the type of the value
	 * @param action what finds the value, {@code null} while there is none
	 * @return the value
	 */
	public <T> T untilFresh(Function<WebDriver, T> action) {
		return this.wait.until((driver) -> {
			try {
				return action.apply(driver);
			}
			catch (StaleElementReferenceException ex) {
				return null;
			}
		});
	}

	/**
	 * Clicks what the locator finds.
	 * @param by the locator
	 */
	public void click(By by) {
		untilFresh((driver) -> {
			driver.findElement(by).click();
			return true;
		});
	}

	/**
	 * Answers the dialog of {@code window.confirm} that the page shows.
	 * @param accept whether to accept it, else dismiss it
	 * @return the question it asked
	 */
	public String confirm(boolean accept) {
		Alert alert = this.wait.until(ExpectedConditions.alertIsPresent());
		String question = alert.getText();
		if (accept) {
			alert.accept();
		}
		else {
			alert.dismiss();
		}
		return question;
	}

	/**
	 * Waits for what the locator finds to be visible.
	 * @param by the locator
	 * @return the element
	 */
	public WebElement visible(By by) {
		return this.wait.until(ExpectedConditions.visibilityOfElementLocated(by));
	}

	/**
	 * The text of what the locator finds, once it is visible, read from the element the
	 * page has then: the dashboard's refresh may replace it after it was found.
	 * @param by the locator
	 * @return its text
	 */
	public String text(By by) {
		return untilFresh((driver) -> {
			WebElement element = driver.findElement(by);
			return element.isDisplayed() ? element.getText() : null;
		});
	}

	/**
	 * An attribute of what the locator finds, once it is visible, read as {@link #text}
	 * reads the text.
	 * @param by the locator
	 * @param name the attribute's name
	 * @return its value, or {@code null} if it has none
	 */
	public String attribute(By by, String name) {
		return untilFresh((driver) -> {
			WebElement element = driver.findElement(by);
			return element.isDisplayed() ? Optional.ofNullable(element.getAttribute(name)) : null;
		}).orElse(null);
	}

	/**
	 * How many elements a CSS selector finds.
	 * @param css the selector
	 * @return the count
	 */
	public int count(String css) {
		return untilFresh((driver) -> driver.findElements(By.cssSelector(css)).size());
	}

	private static WebDriver start() {
		assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
				"Debian's chromium and chromium-driver are not installed");
		ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
			.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
					"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
					"--disable-quic", "--window-size=1400,1000");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		WebDriver browser = new ChromeDriver(service, options);
		browser.manage().window().setSize(new Dimension(1400, 1000));
		return browser;
	}

}
