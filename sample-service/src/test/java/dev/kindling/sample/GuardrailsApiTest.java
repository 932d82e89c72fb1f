package dev.kindling.sample;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.text.ModelDigest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guardrails over REST, in a context of their own (a low cap on new labels would disturb the other tests): new labels
 * beyond the cap are a 429 problem naming the rule; kept versions are listed, a rollback restores the listed digest and is
 * audited with the key's id and the caller's address; liveness and readiness leave learning out.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = SampleApplication.class)
class GuardrailsApiTest {

    private static final String KEY = "guardrails-key";
    private static final Path HOME;

    static {
        try {
            HOME = Files.createTempDirectory("kindling-sample-guardrails");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("kindling.models.wordnet.checkpoint", () -> HOME.resolve("wordnet-default.bin").toString());
        r.add("kindling.fine-tuning.directory", () -> HOME.resolve("data").toString());
        r.add("kindling.fine-tuning.max-batch-delay", () -> "5ms");
        r.add("kindling.fine-tuning.checkpoint-interval", () -> "1h");
        r.add("kindling.models.wordnet.guardrails.labels.max-new-per-hour", () -> "3");
        r.add("sample.api-key", () -> KEY);
        r.add("sample.default-model.max-examples", () -> "2000");
        r.add("sample.default-model.epochs", () -> "5");
        r.add("sample.default-model.dim", () -> "16");
    }

    @LocalServerPort
    int port;

    @Autowired
    ServingEngine engine;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode body(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return json.readTree(r.body());
    }

    @Test
    void newLabelsBeyondTheCapAreA429ProblemNamingTheRule() throws Exception {
        int accepted = 0;
        HttpResponse<String> refused = null;
        for (int i = 0; i < 10 && refused == null; i++) {
            HttpResponse<String> r = post("/v1/models/wordnet/feedback", "{\"text\": \"a shiny new gadget\", \"label\": \"rest_new_" + i + "\"}",
                    "X-API-Key", KEY);
            if (r.statusCode() == 202) {
                accepted++;
            } else {
                refused = r;
            }
        }
        assertThat(accepted).isEqualTo(3);
        JsonNode p = body(refused, 429);
        assertThat(p.get("type").asString()).isEqualTo("urn:kindling:problem:label-refused");
        assertThat(p.get("rule").asString()).isEqualTo("new-labels-per-hour");
        assertThat(p.get("label").asString()).isEqualTo("rest_new_3");
        assertThat(p.get("detail").asString()).contains("at most 3");
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
    }

    @Test
    void aRollbackOverRestRestoresTheListedDigestAndIsAudited() throws Exception {
        JsonNode initial = body(get("/v1/models/wordnet/versions"), 200).get(0);
        String known = body(post("/v1/models/wordnet/classify", "{\"text\": \"a small dog\", \"k\": 1}"), 200).get("labels").get(0).get("label")
                .asString();
        for (int i = 0; i < 5; i++) {
            body(post("/v1/models/wordnet/feedback", "{\"text\": \"a tiny puppy number " + i + "\", \"label\": \"" + known + "\"}", "X-API-Key",
                    KEY), 202);
        }
        assertThat(engine.awaitApplied("wordnet", Duration.ofSeconds(30))).isTrue();
        engine.fineTuning().tuner("wordnet").checkpointIfChanged();   // what every checkpoint interval does: keep the served version
        JsonNode versions = body(get("/v1/models/wordnet/versions"), 200);
        assertThat(versions.size()).isGreaterThanOrEqualTo(2);
        assertThat(versions.get(0).get("served").asBoolean()).isTrue();
        long target = initial.get("version").asLong();

        body(post("/v1/models/wordnet/versions/" + target + "/rollback", "{\"log\": \"discard\"}"), 401);
        JsonNode bad = body(post("/v1/models/wordnet/versions/" + target + "/rollback", "{\"log\": \"undo\"}", "X-API-Key", KEY), 400);
        assertThat(bad.get("detail").asString()).contains("expected \"replay\" or \"discard\"");
        JsonNode unknown = body(post("/v1/models/wordnet/versions/999999/rollback", "{\"log\": \"discard\"}", "X-API-Key", KEY), 404);
        assertThat(unknown.get("type").asString()).isEqualTo("urn:kindling:problem:unknown-version");

        JsonNode r = body(post("/v1/models/wordnet/versions/" + target + "/rollback", "{\"log\": \"discard\"}", "X-API-Key", KEY), 200);
        assertThat(r.get("restoredVersion").asLong()).isEqualTo(target);
        assertThat(r.get("digest").asString()).isEqualTo(initial.get("digest").asString());
        assertThat(ModelDigest.of(engine.model("wordnet").servingClassifier()).combined()).isEqualTo(initial.get("digest").asString());
        assertThat(body(post("/v1/models/wordnet/classify", "{\"text\": \"a small dog\", \"k\": 1}"), 200).get("version").asLong())
                .isEqualTo(r.get("servedVersion").asLong());

        body(get("/v1/models/wordnet/audit"), 401);
        JsonNode audit = body(get("/v1/models/wordnet/audit?action=rollback", "X-API-Key", KEY), 200);
        assertThat(audit.size()).isEqualTo(1);
        assertThat(audit.get(0).get("keyId").asString()).startsWith("key-").doesNotContain(KEY);
        assertThat(audit.get(0).get("remoteAddress").asString()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(audit.get(0).get("reference").asString()).isEqualTo("version " + target);
        JsonNode feedback = body(get("/v1/models/wordnet/audit?action=feedback&limit=2", "X-API-Key", KEY), 200);
        assertThat(feedback.size()).isEqualTo(2);
        assertThat(feedback.get(0).get("examples").asLong()).isEqualTo(1);
        body(get("/v1/models/wordnet/audit?since=yesterday", "X-API-Key", KEY), 400);
    }

    @Test
    void livenessAndReadinessLeaveLearningOut() throws Exception {
        assertThat(body(get("/actuator/health/liveness"), 200).get("status").asString()).isEqualTo("UP");
        assertThat(body(get("/actuator/health/readiness"), 200).get("status").asString()).isEqualTo("UP");
        JsonNode all = body(get("/actuator/health"), 200);
        assertThat(all.get("components").has("kindling")).isTrue();
        assertThat(all.get("components").get("kindlingLearning").get("details").get("models").get("wordnet").has("gate")).isTrue();
    }
}
