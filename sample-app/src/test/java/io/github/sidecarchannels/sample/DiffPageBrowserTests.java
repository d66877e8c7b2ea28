package io.github.sidecarchannels.sample;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.slf4j.LoggerFactory;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The page as a visitor uses it, in headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}): type two texts, compare, see the diff; send a burst and see
 * the chart's rate move; kill the sidecar and see it come back. Screenshots go to
 * {@code target/screenshots/}.
 * <p>
 * Without the browser the test fails under CI (which installs it) and is skipped
 * elsewhere, saying what to install. The context is discarded afterwards because the kill
 * changes its restart count.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DiffPageBrowserTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final Path SCREENSHOTS = Path.of("target", "screenshots");

	private static WebDriver browser;

	private static Path profile;

	/** Why the browser test is skipped, or {@code null} when it runs. */
	private static String unavailable;

	@LocalServerPort
	private int port;

	@BeforeAll
	static void startBrowser() throws IOException {
		Optional<Path> chromium = onPath("chromium", "chromium-browser");
		Optional<Path> driver = onPath("chromedriver");
		if (chromium.isEmpty() || driver.isEmpty()) {
			String missing = "headless Chromium is needed for the browser test but "
					+ (chromium.isEmpty() ? "chromium" : "chromedriver")
					+ " is not on the PATH; install it with: apt-get install chromium chromium-driver";
			if (inCi()) {
				fail(missing + " (CI must install it, see .ci/run)");
			}
			// Said in the log too: surefire's summary only counts skipped tests, it does
			// not say why.
			unavailable = "Skipping the browser test: " + missing + " (it would fail under CI)";
			LoggerFactory.getLogger(DiffPageBrowserTests.class).warn(unavailable);
			return;
		}
		profile = Files.createTempDirectory("sidecar-sample-chromium-");
		ChromeOptions options = new ChromeOptions();
		// An explicit binary and driver keep Selenium Manager from trying to download
		// either.
		options.setBinary(chromium.get().toFile());
		// Root needs --no-sandbox; the rest keep Chromium off the (closed) network and
		// its first-run work.
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.get().toFile())
			.usingAnyFreePort()
			.build();
		browser = new ChromeDriver(service, options);
		Files.createDirectories(SCREENSHOTS);
	}

	@BeforeEach
	void requireBrowser() {
		Assumptions.assumeTrue(unavailable == null, unavailable);
	}

	@AfterAll
	static void stopBrowser() throws IOException {
		if (browser != null) {
			browser.quit();
		}
		if (profile != null) {
			FileSystemUtils.deleteRecursively(profile);
		}
	}

	@Test
	void typeTwoTextsCompareAndSeeTheDiff() throws IOException {
		open();
		type("left", "The quick brown fox\njumps over the lazy dog\n");
		type("right", "The quick brown cat\njumps over the lazy dog\n");
		browser.findElement(By.id("compare")).click();

		await().atMost(WAIT).until(() -> text(By.id("similarity")), "93.2 %"::equals);
		WebElement table = browser.findElement(By.cssSelector("#diff-html table.diff"));
		assertThat(table.findElements(By.cssSelector("span.diff_chg"))).extracting(WebElement::getText)
			.containsExactly("fox", "cat");
		assertThat(text(By.id("diff-unified"))).contains("-The quick brown fox", "+The quick brown cat");
		assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();
		screenshot("diff-page.png");
	}

	@Test
	void aBurstShowsInTheChartAndAKilledSidecarComesBack() throws IOException {
		open();
		WebElement panel = browser.findElement(By.cssSelector(".panel[data-sidecar='diff']"));
		await().atMost(WAIT).until(() -> panel.findElement(By.className("state")).getText(), "RUNNING"::equals);
		String pid = panel.findElement(By.className("pid")).getText();
		int restarts = Integer.parseInt(panel.findElement(By.className("restarts")).getText());

		browser.findElement(By.id("burst")).click();
		await().atMost(WAIT).until(() -> text(By.id("status")), (status) -> status.startsWith("1000 of 1000 answered"));
		// The panel turns the counters' growth between two polls into a rate. The current
		// rate is back to 0
		// one poll after the burst, possibly before a slow machine looks; the peak stays
		// for a minute.
		await().atMost(WAIT)
			.until(() -> Integer.parseInt(panel.findElement(By.className("peak")).getText()), (peak) -> peak > 0);
		screenshot("burst.png");

		panel.findElement(By.className("kill")).click();
		await().atMost(WAIT)
			.until(() -> panel.findElement(By.className("restarts")).getText(), String.valueOf(restarts + 1)::equals);
		await().atMost(WAIT)
			.until(() -> List.of(panel.findElement(By.className("state")).getText(),
					panel.findElement(By.className("pid")).getText()),
					(stateAndPid) -> stateAndPid.get(0).equals("RUNNING") && !stateAndPid.get(1).equals(pid));
		assertThat(panel.findElement(By.className("last-exit")).getText()).isEqualTo("137 (SIGKILL)");
		assertThat(panel.findElements(By.cssSelector(".changes li"))).extracting(this::textContent)
			.anyMatch((change) -> change.contains("RUNNING → RESTARTING"));
		screenshot("after-kill.png");
	}

	private void open() {
		browser.get("http://localhost:" + this.port + "/");
		await().atMost(WAIT)
			.until(() -> browser.findElements(By.cssSelector(".panel[data-sidecar='diff']")).size(),
					(panels) -> panels == 1);
	}

	private static void type(String id, String text) {
		WebElement area = browser.findElement(By.id(id));
		area.clear();
		area.sendKeys(text);
	}

	private static String text(By locator) {
		return browser.findElement(locator).getText();
	}

	/** The text of an element that may be hidden (inside a closed details element). */
	private String textContent(WebElement element) {
		return element.getDomProperty("textContent");
	}

	private static void screenshot(String name) throws IOException {
		File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
		Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
	}

	private static boolean inCi() {
		String ci = System.getenv("CI");
		return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
	}

	private static Optional<Path> onPath(String... names) {
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		return Stream.of(names)
			.flatMap((name) -> Stream.of(path.split(File.pathSeparator)).map((dir) -> Path.of(dir, name)))
			.filter((candidate) -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
			.findFirst();
	}

}
