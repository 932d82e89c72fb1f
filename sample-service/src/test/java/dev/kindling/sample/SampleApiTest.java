package dev.kindling.sample;

import dev.kindling.spring.device.DeviceRouter;
import dev.kindling.core.serving.model.ModelRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Every endpoint and every error status of the REST API, over real HTTP. */
class SampleApiTest extends SampleServiceTestBase {

    private final JsonMapper json = JsonMapper.builder().build();

    @Autowired
    DeviceRouter router;

    @Autowired
    ModelRegistry models;

    private JsonNode body(HttpResponse<String> r) {
        return json.readTree(r.body());
    }

    private void assertProblem(HttpResponse<String> r, int status, String detailFragment) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("application/problem+json"));
        JsonNode p = body(r);
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("title").asString()).isNotBlank();
        assertThat(p.get("detail").asString()).contains(detailFragment);
    }

    @Test
    void listsModels() throws Exception {
        HttpResponse<String> r = get("/v1/models");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode m = body(r).get(0);
        assertThat(m.get("name").asString()).isEqualTo("wordnet");
        assertThat(m.get("labels").asInt()).isGreaterThan(500);
        assertThat(m.get("version").asLong()).isPositive();
        assertThat(m.get("devices").get(0).asString()).startsWith("cpu:0");
        // Provenance: trained by the initializer on first start (or, in a later context, loaded from its file or a checkpoint).
        JsonNode p = m.get("provenance");
        assertThat(p.get("source").asString()).isIn("INITIALIZER", "CONFIGURED_FILE", "FINE_TUNED_CHECKPOINT");
        assertThat(p.get("configuredSha256").asString()).hasSize(64);
        assertThat(p.get("configuredFileChanged").asBoolean()).isFalse();
    }

    @Test
    void classifiesOneTextAndABatch() throws Exception {
        HttpResponse<String> r = postJson("/v1/models/wordnet/classify", "{\"text\": \"a person who plays a musical instrument\", \"k\": 3}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode b = body(r);
        assertThat(b.get("labels")).hasSize(3);
        double p0 = b.get("labels").get(0).get("probability").asDouble();
        double p1 = b.get("labels").get(1).get("probability").asDouble();
        assertThat(p0).isGreaterThanOrEqualTo(p1).isLessThanOrEqualTo(1.0);
        assertThat(b.get("version").asLong()).isPositive();

        r = postJson("/v1/models/wordnet/classify", "{\"texts\": [\"a sharp knife\", \"red wine\"]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(body(r).get("results")).hasSize(2);
        assertThat(body(r).get("results").get(1).get("text").asString()).isEqualTo("red wine");
        assertThat(body(r).get("results").get(0).get("labels")).hasSize(5);
    }

    @Test
    void badRequestsAre400WithWhatWasWrong() throws Exception {
        assertProblem(postJson("/v1/models/wordnet/classify", "{\"text\": \"x\""), 400, "not valid JSON");
        assertProblem(postJson("/v1/models/wordnet/classify", "{\"text\": \"x\", \"texts\": [\"y\"]}"), 400, "either");
        assertProblem(postJson("/v1/models/wordnet/classify", "{}"), 400, "either");
        assertProblem(postJson("/v1/models/wordnet/classify", "{\"text\": \"dog\", \"k\": 0}"), 400, "k must be");
        assertProblem(postJson("/v1/models/wordnet/classify", "{\"text\": \"   \"}"), 400, "blank");
        assertProblem(postJson("/v1/models/wordnet/feedback", "{\"text\": \"a dog\"}", "X-API-Key", KEY), 400, "no label");
        assertProblem(postJson("/v1/models/wordnet/feedback", "{\"text\": \"a dog\", \"label\": \"two words\"}", "X-API-Key", KEY), 400,
                "whitespace");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/v1/models/wordnet/fine-tune-jobs")).header("X-API-Key", KEY)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("no labels here\n\n")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertProblem(r, 400, "no usable labelled line");
    }

    @Test
    void unknownModelsAndJobsAre404() throws Exception {
        assertProblem(postJson("/v1/models/nope/classify", "{\"text\": \"dog\"}"), 404, "no model named 'nope'");
        assertProblem(get("/v1/fine-tune-jobs/123", "X-API-Key", KEY), 404, "no fine-tuning job");
    }

    @Test
    void oversizeRequestsAre413() throws Exception {
        assertProblem(postJson("/v1/models/wordnet/classify", "{\"text\": \"" + "a".repeat(2001) + "\"}"), 413, "limit is 2000");
        assertProblem(postJson("/v1/models/wordnet/classify", "{\"texts\": [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]}"), 413,
                "limit is 8");
        assertProblem(postJson("/v1/models/wordnet/classify", "{\"text\": \"" + "word ".repeat(20_000) + "\"}"), 413, "65536 bytes");
        String bigJob = "__label__x some words here\n".repeat(10_000);   // ~270 kB, over the 200 kB job limit
        HttpResponse<String> job = http.send(HttpRequest.newBuilder(uri("/v1/models/wordnet/fine-tune-jobs")).header("X-API-Key", KEY)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(bigJob)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertProblem(job, 413, "200000 bytes");
    }

    @Test
    void protectedEndpointsNeedTheApiKey() throws Exception {
        HttpResponse<String> r = postJson("/v1/models/wordnet/feedback", "{\"text\": \"a dog\", \"label\": \"dog\"}");
        assertProblem(r, 401, "needs an API key");
        assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
        assertProblem(postJson("/v1/models/wordnet/feedback", "{\"text\": \"a dog\", \"label\": \"dog\"}", "X-API-Key", "wrong"), 401,
                "not valid");
        assertProblem(get("/v1/fine-tune-jobs/anything"), 401, "API key");
    }

    @Test
    void feedbackIsAcceptedDurablyAndLearned() throws Exception {
        // Other tests of this shared context teach other labels; send feedback in rounds until the new label
        // wins for its text, and require that within a bounded number of examples.
        long before = models.get("wordnet").examplesApplied();
        int sent = 0;
        String top = "";
        while (!top.equals("gizmo.test")) {
            assertThat(sent).as("the new label should be learned from at most 200 feedback examples; health: %s", get("/actuator/health").body()).isLessThan(200);
            for (int i = 0; i < 20; i++, sent++) {
                HttpResponse<String> r = postJson("/v1/models/wordnet/feedback",
                        "{\"text\": \"zyxwv gadget frobnicator\", \"label\": \"gizmo.test\"}", "X-API-Key", KEY);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                assertThat(body(r).get("sequence").asLong()).isPositive();
            }
            long deadline = System.currentTimeMillis() + 20_000;
            while (models.get("wordnet").examplesApplied() < before + sent && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(models.get("wordnet").examplesApplied()).isGreaterThanOrEqualTo(before + sent);
            HttpResponse<String> r = postJson("/v1/models/wordnet/classify", "{\"text\": \"frobnicator gadget\", \"k\": 1}");
            top = body(r).get("labels").get(0).get("label").asString();
        }
    }

    @Test
    void fineTuneJobRunsReportsProgressAndCanBeCancelled() throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            lines.append("__label__widget.test qwerty").append(i % 5).append(" widget thing\n");
        }
        lines.append("a line without any label\n");
        String boundary = "kindling-boundary";
        String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"job.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n" + lines + "\r\n--" + boundary + "--\r\n";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/v1/models/wordnet/fine-tune-jobs")).header("X-API-Key", KEY)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(multipart, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(r.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/v1/fine-tune-jobs/"));
        String id = body(r).get("id").asString();
        assertThat(body(r).get("examples").asLong()).isEqualTo(300);
        assertThat(body(r).get("badLines").asLong()).isEqualTo(1);
        JsonNode s = null;
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            s = body(get("/v1/fine-tune-jobs/" + id, "X-API-Key", KEY));
            if (s.get("state").asString().equals("SUCCEEDED")) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(s.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(s.get("progress").asDouble()).isEqualTo(1.0);
        assertThat(s.get("appliedExamples").asLong()).isEqualTo(300);
        assertThat(s.get("examplesPerSecond").asDouble()).isPositive();
        assertThat(s.get("loss").asDouble()).isFinite();
        assertThat(s.get("badLines").get(0).get("lineNumber").asLong()).isEqualTo(301);

        HttpResponse<String> del = http.send(HttpRequest.newBuilder(uri("/v1/fine-tune-jobs/" + id)).header("X-API-Key", KEY).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertProblem(del, 409, "already finished");   // finished jobs stay finished
        assertThat(body(del).get("state").asString()).isEqualTo("SUCCEEDED");
    }

    @Test
    void fullDeviceBulkheadsAre429WithRetryAfter() throws Exception {
        var cpu = router.guardedDevices().get(router.guardedDevices().size() - 1).bulkhead();
        int slots = cpu.getMetrics().getAvailableConcurrentCalls();
        for (int i = 0; i < slots; i++) {
            cpu.acquirePermission();
        }
        try {
            HttpResponse<String> r = postJson("/v1/models/wordnet/classify", "{\"text\": \"dog\"}");
            assertProblem(r, 429, "concurrency limit");
            assertThat(r.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
        } finally {
            for (int i = 0; i < slots; i++) {
                cpu.onComplete();
            }
        }
        assertThat(postJson("/v1/models/wordnet/classify", "{\"text\": \"dog\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void servesOpenApiThePageAndHealth() throws Exception {
        HttpResponse<String> api = get("/v3/api-docs");
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(body(api).get("paths").has("/v1/models/{model}/classify")).isTrue();
        assertThat(body(api).get("paths").has("/v1/fine-tune-jobs/{id}")).isTrue();
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Kindling sample service</title>");
        HttpResponse<String> health = get("/actuator/health");
        assertThat(body(health).get("status").asString()).isEqualTo("UP");
        assertThat(body(health).get("components").get("kindling").get("details").get("models").has("wordnet")).isTrue();
    }
}
