package dev.kindling.sample;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sample service on a random port, with its real WordNet initializer training a small default
 * model (a few thousand synsets) so that the tests start in seconds. Subclasses share one context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = SampleApplication.class)
abstract class SampleServiceTestBase {

    static final String KEY = "test-key";
    static final Path HOME;

    static {
        try {
            HOME = Files.createTempDirectory("kindling-sample-test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("kindling.models.wordnet.checkpoint", () -> HOME.resolve("wordnet-default.bin").toString());
        r.add("kindling.fine-tuning.directory", () -> HOME.resolve("data").toString());
        r.add("kindling.fine-tuning.max-batch-delay", () -> "5ms");
        r.add("kindling.routing.default-guard.max-wait", () -> "0ms");
        r.add("kindling.fine-tuning.max-job-bytes", () -> "200000");
        // The gate is tested in GuardrailsApiTest (a context of its own). Here the tests teach made-up labels from made-up
        // words in any order, and whether the reservoir has reached min-held-out when they do depends on checkpoint timing:
        // with the gate on, a test's new label could be held back (rightly: it floods the model) or not, by chance.
        r.add("kindling.models.wordnet.guardrails.gate.enabled", () -> "false");
        r.add("sample.api-key", () -> KEY);
        r.add("kindling.request-limits.max-texts", () -> "8");
        r.add("kindling.request-limits.max-text-chars", () -> "2000");
        r.add("sample.max-request-bytes", () -> "65536");
        r.add("sample.default-model.max-examples", () -> "4000");
        r.add("sample.default-model.epochs", () -> "5");
        r.add("sample.default-model.dim", () -> "32");
    }

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postJson(String path, String json, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
