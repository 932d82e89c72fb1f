package dev.kindling.sample;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web page end to end in headless Chromium (Debian's chromium and chromium-driver; .ci/run installs
 * them): classify a text, send feedback with the API key, run a fine-tuning job and watch it finish.
 */
class WebPageBrowserTest extends SampleServiceTestBase {

    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static WebDriver browser;

    @BeforeAll
    static void startBrowser() throws Exception {
        assumeTrue(CHROMEDRIVER.canExecute() && new File(CHROMIUM).canExecute(),
                "headless Chromium is not installed (apt-get install chromium chromium-driver)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory("kindling-chromium"));
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).build(), options);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private WebElement byId(String id) {
        return browser.findElement(By.id(id));
    }

    @Test
    void classifyFeedbackAndJobFromThePage() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get("http://localhost:" + port + "/");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("model-info"), "wordnet"));
        assertThat(byId("model-info").getText()).contains("labels");

        byId("text").sendKeys("a person who plays a musical instrument");
        byId("classify").click();
        wait.until(d -> !d.findElements(By.cssSelector("#results tbody tr")).isEmpty());
        List<WebElement> rows = browser.findElements(By.cssSelector("#results tbody tr"));
        assertThat(rows).hasSize(5);
        assertThat(rows.get(0).findElement(By.className("probability")).getText()).matches("\\d+\\.\\d%");
        assertThat(byId("version").getText()).contains("model version").contains("cpu:0");

        byId("api-key").sendKeys(KEY);
        byId("label").sendKeys("musician.test");
        byId("send-feedback").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("feedback-status"), "Accepted"));

        Path job = Files.createTempFile("job", ".txt");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            lines.append("__label__violinist.test bow strings concerto player ").append(i % 7).append('\n');
        }
        Files.writeString(job, lines);
        byId("job-file").sendKeys(job.toAbsolutePath().toString());
        byId("start-job").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("job-status"), "SUCCEEDED"));
        assertThat(byId("job-status").getText()).contains("200/200 examples");
        assertThat(byId("job-progress").getAttribute("value")).isEqualTo("1");

        byId("api-key").clear();
        byId("api-key").sendKeys("wrong-key");
        byId("send-feedback").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("feedback-status"), "401"));
    }
}
