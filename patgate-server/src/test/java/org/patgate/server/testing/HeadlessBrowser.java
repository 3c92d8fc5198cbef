package org.patgate.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium driven through its chromedriver, headless, for one test class: a fresh profile
 * in a scratch directory, a 1280×900 window, the browser console captured (CSP violations show
 * there). Skips the class when Chromium or its driver is not installed. Paths can be overridden with
 * {@code PATGATE_TEST_CHROMIUM} and {@code PATGATE_TEST_CHROMEDRIVER}.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RunningGateway gw = RunningGateway.builder().build();
 * @RegisterExtension
 * static final HeadlessBrowser browser = HeadlessBrowser.on(gw::base);
 * }</pre>
 *
 * Register it on a static field; one test at a time drives it. Screenshots go to
 * {@code target/ui-screenshots/}.
 */
public final class HeadlessBrowser implements BeforeAllCallback, AfterAllCallback {

    private static final Path CHROMIUM =
            Path.of(System.getenv().getOrDefault("PATGATE_TEST_CHROMIUM", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER =
            Path.of(System.getenv().getOrDefault("PATGATE_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));
    private static final Path SHOTS = Path.of("target", "ui-screenshots");

    private final Supplier<URI> base;
    private Path profile;
    private ChromeDriver driver;
    private WebDriverWait wait;

    private HeadlessBrowser(Supplier<URI> base) {
        this.base = base;
    }

    /** A browser whose {@link #open(String)} paths are relative to {@code base} (asked when a page opens). */
    public static HeadlessBrowser on(Supplier<URI> base) {
        return new HeadlessBrowser(base);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the browser tests need Chromium and chromedriver (Debian: apt-get install chromium chromium-driver)");
        profile = Files.createTempDirectory("patgate-chromium");
        Files.createDirectories(SHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--no-sandbox",
                "--headless",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1280,900",
                "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(15));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            driver = null;
            FileTrees.deleteQuietly(profile);
        }
    }

    /** The driver itself, for what this class does not offer. */
    public ChromeDriver driver() {
        if (driver == null) {
            throw new IllegalStateException("the browser runs only between the extension's before-all and after-all");
        }
        return driver;
    }

    /** Waits up to 15 s. */
    public WebDriverWait await() {
        driver();
        return wait;
    }

    /** Waits up to 15 s for the condition and answers its value. */
    public <T> T until(Function<? super WebDriver, T> condition) {
        return await().until(condition);
    }

    /** Opens {@code path} on the server under test. */
    public void open(String path) {
        driver().get(base.get() + path);
    }

    public void get(String url) {
        driver().get(url);
    }

    public String getCurrentUrl() {
        return driver().getCurrentUrl();
    }

    public WebElement findElement(By by) {
        return driver().findElement(by);
    }

    public List<WebElement> findElements(By by) {
        return driver().findElements(by);
    }

    public WebDriver.Options manage() {
        return driver().manage();
    }

    public Object executeScript(String script, Object... args) {
        return driver().executeScript(script, args);
    }

    /** Fills the sign-in form on the current page and submits it. */
    public void signIn(String username, String password) {
        findElement(By.id("username")).sendKeys(username);
        findElement(By.id("password")).sendKeys(password);
        findElement(By.cssSelector("form button[type=submit]")).click();
    }

    /** The table row whose header cell is {@code name}. */
    public WebElement rowOf(String name) {
        return findElements(By.cssSelector("tbody tr")).stream()
                .filter(r -> r.findElement(By.tagName("th")).getText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + name));
    }

    /**
     * The banners ({@code .alert}) the page shows, each as "kind: text" with kind one of error,
     * warning, info, success.
     */
    public List<String> banners() {
        return findElements(By.cssSelector(".alert")).stream()
                .filter(WebElement::isDisplayed)
                .map(b -> kind(b.getDomAttribute("class")) + ": " + b.getText().strip())
                .toList();
    }

    /**
     * Saves a screenshot of the page after asserting what it shows: exactly the given banners, in
     * order, each given as "kind: text it starts with"; none at all when none are given. A journey's
     * screenshot can so never show a banner its test did not expect.
     */
    public void screenshot(String name, String... banners) {
        List<String> shown = banners();
        assertThat(shown)
                .as("banners on " + name + " (" + getCurrentUrl() + ")")
                .hasSize(banners.length);
        for (int i = 0; i < banners.length; i++) {
            assertThat(shown.get(i)).as("banner " + (i + 1) + " on " + name).startsWith(banners[i]);
        }
        try {
            Files.write(SHOTS.resolve(name + ".png"), driver().getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String kind(String classes) {
        for (String kind : List.of("error", "warning", "info", "success")) {
            if ((" " + classes + " ").contains(" " + kind + " ")) {
                return kind;
            }
        }
        return "alert";
    }
}
