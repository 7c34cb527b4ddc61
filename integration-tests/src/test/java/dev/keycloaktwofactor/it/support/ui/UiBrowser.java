package dev.keycloaktwofactor.it.support.ui;

import dev.keycloaktwofactor.it.support.KeycloakServer;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real headless Chromium from Debian's packages, driven by Debian's chromedriver: both paths are given
 * explicitly, so Selenium Manager never looks for (or downloads) a browser or a driver. Without them the
 * browser tests are reported as skipped, with the reason.
 */
public final class UiBrowser implements AutoCloseable {

    public static final Path CHROMIUM = Paths.get(System.getProperty("twofactor.chromium", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Paths.get(System.getProperty("twofactor.chromedriver", "/usr/bin/chromedriver"));
    public static final Duration WAIT = Duration.ofSeconds(20);

    /** Selenium's devtools bindings lag Debian's Chromium; we use only chromedriver's own CDP pass-through. */
    private static final List<java.util.logging.Logger> QUIET = List.of(
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools"),
            java.util.logging.Logger.getLogger("org.openqa.selenium.chromium.ChromiumDriver"));

    static {
        QUIET.forEach(l -> l.setLevel(java.util.logging.Level.SEVERE));
    }

    public final ChromeDriver driver;
    private final Path profile;

    private UiBrowser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Why the browser tests cannot run here, or null when Chromium and chromedriver are both installed. */
    public static String missing() {
        if (!Files.isExecutable(CHROMIUM)) {
            return "No Chromium at " + CHROMIUM + " (Debian: apt-get install -y chromium chromium-driver): browser tests skipped";
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            return "No chromedriver at " + CHROMEDRIVER + " (Debian: apt-get install -y chromium-driver): browser tests skipped";
        }
        return null;
    }

    public static void assumeInstalled() {
        String missing = missing();
        Assumptions.assumeTrue(missing == null, missing);
    }

    public static UiBrowser start() {
        assumeInstalled();
        try {
            Path profile = Files.createTempDirectory("twofactor-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments(
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-default-apps", "--disable-extensions", "--no-first-run", "--no-default-browser-check",
                    "--password-store=basic", "--use-mock-keychain", "--disable-features=Translate,MediaRouter,OptimizationHints",
                    "--user-data-dir=" + profile, "--window-size=1280,900", "--force-device-scale-factor=1",
                    "--lang=en-US", "--hide-scrollbars");
            options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "en-US,en",
                    "credentials_enable_service", false, "profile.password_manager_enabled", false));
            options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort()
                    .withSilent(true)
                    .build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
            return new UiBrowser(driver, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void open(String url) {
        driver.get(url);
    }

    public String url() {
        return driver.getCurrentUrl();
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public boolean present(String css) {
        return !driver.findElements(By.cssSelector(css)).isEmpty();
    }

    public <T> T until(String what, ExpectedCondition<T> condition) {
        // pages navigate under the test's feet (login redirects): a vanished element is just "not yet"
        return new WebDriverWait(driver, WAIT).withMessage(what)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.JavascriptException.class)
                .until(condition);
    }

    public WebElement visible(String css) {
        return until("visible: " + css, d -> {
            List<WebElement> all = d.findElements(By.cssSelector(css));
            return all.stream().filter(WebElement::isDisplayed).findFirst().orElse(null);
        });
    }

    public void awaitUrlStartingWith(String prefix) {
        until("navigation to " + prefix, d -> d.getCurrentUrl().startsWith(prefix));
    }

    public void type(String css, String text) {
        // a field replaced under the test's feet (a re-rendered page) is found again rather than failing the test
        until("typed into " + css, d -> {
            WebElement input = visible(css);
            input.clear();
            input.sendKeys(text);
            return true;
        });
    }

    public void click(String css) {
        visible(css).click();
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** A browser as new: no cookies, no storage of the Keycloak origin. */
    public void forgetEverything() {
        driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        driver.executeCdpCommand("Storage.clearDataForOrigin", Map.of(
                "origin", KeycloakServer.get().baseUrl(), "storageTypes", "all"));
    }

    /** Keycloak's login form (keycloak.v2 and the legacy theme share these ids). */
    public void signIn(String username, String password) {
        type("#username", username);
        type("#password", password);
        click("#kc-login");
    }

    public void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** A PNG of the whole page (beyond the window's height), in integration-tests/target/screenshots/{name}.png. */
    public Path screenshot(String name) {
        Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> content = (Map<String, Object>) metrics.get("cssContentSize");
        @SuppressWarnings("unchecked")
        Map<String, Object> viewport = (Map<String, Object>) metrics.get("cssLayoutViewport");
        double width = ((Number) viewport.get("clientWidth")).doubleValue();
        double height = Math.min(8000, Math.max(((Number) content.get("height")).doubleValue(),
                ((Number) viewport.get("clientHeight")).doubleValue()));
        return capture(name, Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1));
    }

    /** A PNG of what is on screen now (for modal dialogs, which stay in the viewport). */
    public Path viewport(String name) {
        return capture(name, null);
    }

    private Path capture(String name, Map<String, Object> clip) {
        Map<String, Object> params = new java.util.HashMap<>();
        params.put("format", "png");
        params.put("captureBeyondViewport", clip != null);
        if (clip != null) {
            params.put("clip", clip);
        }
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", params);
        return save(name, java.util.Base64.getDecoder().decode((String) shot.get("data")));
    }

    /** A phone-sized screen (390 x 844 CSS pixels, 2x, touch) until {@link #desktop()}. */
    public void phone() {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                "width", 390, "height", 844, "deviceScaleFactor", 2, "mobile", true));
        settle();
    }

    /**
     * Waits two frames for the new layout. (On a phone a page whose content is wider than the screen is shown
     * zoomed out, as a phone does: the screenshot then shows that.)
     */
    private void settle() {
        ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1]; window.scrollTo(0, 0);"
                        + " requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 150)));");
    }

    public void desktop() {
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        size(1280, 900);
        settle();
    }

    /** A PNG of one element (a card, a table), scrolled into view first. */
    public Path element(String name, String css) {
        WebElement el = visible(css);
        script("arguments[0].scrollIntoView({block: 'start'});", el);
        return save(name, el.getScreenshotAs(OutputType.BYTES));
    }

    public static Path save(String name, byte[] png) {
        try {
            Path dir = Paths.get(System.getProperty("twofactor.it.output", "target"))
                    .resolve(System.getProperty("twofactor.it.screenshots", "screenshots"));
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".png");
            Files.write(file, png);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The browser console since the last call: script errors and Content-Security-Policy violations fail the test
     * (a page that breaks its own CSP would silently lose a script or a style).
     */
    public void assertNoConsoleErrors() {
        List<String> bad = driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue())
                .map(e -> e.getLevel() + " " + e.getMessage())
                .filter(m -> m.contains("Content Security Policy") || m.contains("Uncaught") || m.contains("twofactor-admin/"))
                .toList();
        org.assertj.core.api.Assertions.assertThat(bad).as("browser console errors").isEmpty();
    }

    /** axe-core as pinned in src/test/resources/axe (npm axe-core, see its LICENSE there): no CDN, no download. */
    private static final String AXE_SOURCE = readResource("/axe/axe.min.js");

    /** The rules the suite holds our pages to: WCAG 2.0 and 2.1, levels A and AA. */
    public static final List<String> WCAG_21_AA = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa");

    private static String readResource(String name) {
        try (var in = UiBrowser.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * axe-core's WCAG 2.1 A/AA violations on the page as it is now, one line per element
     * ("rule [impact] target: summary"), Keycloak's inherited template parts included: on our pages none is left
     * that we cannot reach (keycloak.v2's username field is tied to its label by twofactor-username.ftl). Injects axe
     * into the page first.
     */
    public List<String> axeViolations() {
        if (!Boolean.TRUE.equals(script("return typeof window.axe === 'object';"))) {
            script(AXE_SOURCE);
        }
        Object result = ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + " axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
                        + ".then(r => done(r.violations.flatMap(v => v.nodes.map(n =>"
                        + "   v.id + ' [' + v.impact + '] ' + n.target.join(' ') + ': '"
                        + "   + (n.failureSummary || v.help).replace(/\\s+/g, ' ')))))"
                        + ".catch(e => done(['axe failed: ' + e]));", WCAG_21_AA);
        @SuppressWarnings("unchecked")
        List<String> lines = (List<String>) result;
        return List.copyOf(lines);
    }

    /**
     * No WCAG 2.1 A/AA violation on the page as it is now, at 1280 px and at a phone's 390 px (ends at 1280 px,
     * a dialog left open).
     */
    public void assertAccessible(String state) {
        desktop();
        List<String> wide = axeViolations();
        phone();
        List<String> narrow = axeViolations();
        desktop();
        org.assertj.core.api.Assertions.assertThat(wide).as("axe, WCAG 2.1 AA, 1280 px: " + state).isEmpty();
        org.assertj.core.api.Assertions.assertThat(narrow).as("axe, WCAG 2.1 AA, 390 px: " + state).isEmpty();
    }

    /**
     * The contrast ratio (WCAG 2.1) of an element's text colour against the first opaque background behind it.
     */
    public double contrast(String css) {
        Object ratio = script("const e = document.querySelector(arguments[0]);"
                + " const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);"
                + " const lum = ([r, g, b]) => [r, g, b].map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4))"
                + "   .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);"
                + " let bg = null; for (let n = e; n && !bg; n = n.parentElement) {"
                + "   const c = rgb(getComputedStyle(n).backgroundColor); if (c.length === 3 || c[3] === 1) bg = c; }"
                + " const a = lum(rgb(getComputedStyle(e).color)), b = lum(bg || [255, 255, 255]);"
                + " return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);", css);
        return ((Number) ratio).doubleValue();
    }

    public void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp folder left behind
            }
        }
    }
}
