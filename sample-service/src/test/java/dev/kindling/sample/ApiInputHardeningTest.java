package dev.kindling.sample;

import dev.kindling.core.serving.finetune.FineTuneJob;
import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.serving.model.Classification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and careless input over real HTTP: whatever the model could never learn is refused with a 400
 * before anything is logged; malformed requests are 4xx problems that name what was wrong in the API's
 * terms (never a 500, never a Java signature); numbers in answers are valid JSON.
 */
class ApiInputHardeningTest extends SampleServiceTestBase {

    private final JsonMapper json = JsonMapper.builder().build();

    @Autowired
    FineTuningService fineTuning;

    @Autowired
    JsonMapper apiMapper;

    private JsonNode problem(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("application/problem+json"));
        JsonNode p = json.readTree(r.body());
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("detail").asString()).doesNotContainPattern("java\\.|dev\\.kindling|\\w\\$\\w|\\(\\w+\\.\\w+");
        return p;
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** JSON string escapes of labels the model can never add: NUL, other C0 and C1 controls, Unicode spaces, invisibles, broken UTF-16. */
    @ParameterizedTest
    @ValueSource(strings = {"my\\u0000label", "bell\\u0007", "nel\\u0085x", "line\\u2028sep", "no\\u00a0break", "zero\\u200bwidth",
            "broken\\ud800", "__label__", "tab\\tlabel"})
    void feedbackWithALabelTheModelCannotAddIs400AndNothingIsLogged(String escapedLabel) throws Exception {
        long acknowledged = fineTuning.tuner("wordnet").acknowledged();
        JsonNode p = problem(postJson("/v1/models/wordnet/feedback", "{\"text\": \"t\", \"label\": \"" + escapedLabel + "\"}",
                "X-API-Key", KEY), 400);
        assertThat(p.get("detail").asString()).contains("bad label").contains("expected 1-200 characters");
        assertThat(fineTuning.tuner("wordnet").acknowledged()).as("nothing logged").isEqualTo(acknowledged);
        assertThat(fineTuning.tuner("wordnet").failure()).isNull();
    }

    @Test
    void feedbackWithATextTheModelCannotLearnFromIs400AndNothingIsLogged() throws Exception {
        long acknowledged = fineTuning.tuner("wordnet").acknowledged();
        assertThat(problem(postJson("/v1/models/wordnet/feedback", "{\"text\": \"\\u0000\\u200b\", \"label\": \"ok\"}", "X-API-Key", KEY),
                400).get("detail").asString()).contains("blank");
        assertThat(problem(postJson("/v1/models/wordnet/feedback", "{\"text\": \"half \\udc00 pair\", \"label\": \"ok\"}", "X-API-Key", KEY),
                400).get("detail").asString()).contains("unpaired surrogate U+DC00");
        assertThat(fineTuning.tuner("wordnet").acknowledged()).isEqualTo(acknowledged);
        // Good feedback still goes through, and health stays UP.
        assertThat(postJson("/v1/models/wordnet/feedback", "{\"text\": \"a small dog\", \"label\": \"hardening.ok\"}", "X-API-Key", KEY)
                .statusCode()).isEqualTo(202);
        JsonNode health = json.readTree(get("/actuator/health").body());
        assertThat(health.get("status").asString()).as(health.toString()).isEqualTo("UP");
        assertThat(health.get("components").get("kindlingLearning").get("details").get("models").get("wordnet").get("quarantinedRecords").asLong())
                .isZero();
        JsonNode setAside = json.readTree(get("/actuator/metrics/kindling.fine-tuning.quarantined?tag=model:wordnet").body());
        assertThat(setAside.get("measurements").get(0).get("value").asDouble()).isZero();
    }

    @Test
    void aJobFileLineWithALabelTheModelCannotAddIsABadLine() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/models/wordnet/fine-tune-jobs")).header("X-API-Key", KEY)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("__label__bell\u0007x some text\n__label__x\u0085y more text\n")));
        assertThat(problem(r, 400).get("detail").asString()).contains("no usable labelled line").contains("bad label");
    }

    @Test
    void aCorsPreflightWithoutTheKeyIsAnsweredWithoutAllowingItNotAServerError() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/models/wordnet/feedback"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://elsewhere.example").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,x-api-key"));
        // No cross-origin use is configured: the preflight is answered without allowing anything, so a browser
        // does not send the request. (It used to be a 500 with a stack trace: the key check ran on the preflight.)
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).isEmpty();
        assertThat(r.body()).doesNotContain("Exception");
    }

    @Test
    void multipartWithoutABoundaryIs400() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/models/wordnet/fine-tune-jobs")).header("X-API-Key", KEY)
                .header("Content-Type", "multipart/form-data").POST(HttpRequest.BodyPublishers.ofString("__label__x some text\n")));
        assertThat(problem(r, 400).get("detail").asString()).contains("boundary");
    }

    @Test
    void aMissingBodyIs400WithoutTheControllerSignature() throws Exception {
        JsonNode p = problem(postJson("/v1/models/wordnet/classify", ""), 400);
        assertThat(p.get("detail").asString()).contains("request body is missing");
    }

    @Test
    void numbersAndStringsAreNotCoerced() throws Exception {
        assertThat(problem(postJson("/v1/models/wordnet/classify", "{\"text\": \"dog\", \"k\": 2.7}"), 400).get("detail").asString())
                .contains("\"k\"").contains("whole number");
        assertThat(problem(postJson("/v1/models/wordnet/classify", "{\"text\": \"dog\", \"k\": \"3\"}"), 400).get("detail").asString())
                .contains("\"k\"").contains("whole number");
        assertThat(problem(postJson("/v1/models/wordnet/classify", "{\"text\": 123}"), 400).get("detail").asString())
                .contains("\"text\"").contains("string");
        assertThat(problem(postJson("/v1/models/wordnet/classify", "{\"texts\": [\"dog\", 5]}"), 400).get("detail").asString())
                .contains("\"texts\"[1]").contains("string");
        assertThat(problem(postJson("/v1/models/wordnet/feedback", "{\"text\": \"a dog\", \"label\": true}", "X-API-Key", KEY), 400)
                .get("detail").asString()).contains("\"label\"").contains("string");
        assertThat(postJson("/v1/models/wordnet/classify", "{\"text\": \"dog\", \"k\": 2}").statusCode()).isEqualTo(200);
    }

    @Test
    void theSizeLimitProblemNamesItsInstance() throws Exception {
        JsonNode p = problem(postJson("/v1/models/wordnet/classify", "{\"text\": \"" + "word ".repeat(20_000) + "\"}"), 413);
        assertThat(p.get("instance").asString()).isEqualTo("/v1/models/wordnet/classify");
    }

    @Test
    void numbersThatAreNotFiniteAreWrittenAsNull() {
        String score = apiMapper.writeValueAsString(new Classification.LabelScore("x", Float.NaN));
        assertThat(json.readTree(score).get("probability").isNull()).as(score).isTrue();
        FineTuneJob.Status s = new FineTuneJob.Status("id", "wordnet", FineTuneJob.State.RUNNING, 10, 0, 0, 0, Double.POSITIVE_INFINITY,
                Double.NaN, List.of(), 0, null, Instant.EPOCH, null);
        JsonNode status = json.readTree(apiMapper.writeValueAsString(s));
        assertThat(status.get("loss").isNull()).as(status.toString()).isTrue();
        assertThat(status.get("examplesPerSecond").isNull()).isTrue();
        assertThat(status.get("progress").asDouble()).isZero();
    }

    @Test
    void cancellingAFinishedJobIsAConflict() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/models/wordnet/fine-tune-jobs")).header("X-API-Key", KEY)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("__label__conflict.test a b c\n")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String id = json.readTree(r.body()).get("id").asString();
        FineTuneJob job = fineTuning.job(id);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (job.state() != FineTuneJob.State.SUCCEEDED && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(job.state()).isEqualTo(FineTuneJob.State.SUCCEEDED);
        JsonNode p = problem(send(HttpRequest.newBuilder(uri("/v1/fine-tune-jobs/" + id)).header("X-API-Key", KEY).DELETE()), 409);
        assertThat(p.get("detail").asString()).contains("already finished").contains("SUCCEEDED");
        assertThat(p.get("state").asString()).isEqualTo("SUCCEEDED");
    }
}
