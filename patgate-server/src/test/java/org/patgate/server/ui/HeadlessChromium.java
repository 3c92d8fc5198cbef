package org.patgate.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium driven through its chromedriver, headless, for the browser tests: a fresh
 * profile per test class, a 1280×900 window, the browser console captured (CSP violations show
 * there). Paths can be overridden with {@code PATGATE_TEST_CHROMIUM} and {@code PATGATE_TEST_CHROMEDRIVER}.
 */
final class HeadlessChromium {

    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("PATGATE_TEST_CHROMIUM", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("PATGATE_TEST_CHROMEDRIVER",
            "/usr/bin/chromedriver"));

    private HeadlessChromium() {}

    /** Skips the calling test class when Chromium or its driver is not installed. */
    static void assumeInstalled() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the browser tests need Chromium and chromedriver (Debian: apt-get install chromium chromium-driver)");
    }

    /** A new browser whose profile lives under {@code dir}; quit it when done. */
    static ChromeDriver start(Path dir) throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,900",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /**
     * The banners ({@code .alert}) the page shows, each as "kind: text" with kind one of error,
     * warning, info, success.
     */
    static List<String> banners(ChromeDriver browser) {
        return browser.findElements(By.cssSelector(".alert")).stream().filter(WebElement::isDisplayed)
                .map(b -> kind(b.getDomAttribute("class")) + ": " + b.getText().strip()).toList();
    }

    /**
     * Saves a screenshot of the page after asserting what it shows: exactly the given banners, in
     * order, each given as "kind: text it starts with"; none at all when none are given. A journey's
     * screenshot can so never show a banner its test did not expect.
     */
    static void screenshot(ChromeDriver browser, Path dir, String name, String... banners) throws IOException {
        List<String> shown = banners(browser);
        assertThat(shown).as("banners on " + name + " (" + browser.getCurrentUrl() + ")").hasSize(banners.length);
        for (int i = 0; i < banners.length; i++) {
            assertThat(shown.get(i)).as("banner " + (i + 1) + " on " + name).startsWith(banners[i]);
        }
        Files.write(dir.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
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
