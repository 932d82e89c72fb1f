package dev.kindling.sample;

import dev.kindling.core.serving.finetune.FineTuningService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile requests over real HTTP, one case each with the status it must get: oversize bodies, bad UTF-8, NUL
 * bytes, path tricks in model names and job ids, huge k, huge batches, wrong content types, pathological JSON.
 * None may be a 5xx, none may show a stack trace or a Java name, and none may touch the data directory outside
 * the model's own (a model name is never a path). The README's table of these cases is this list.
 */
class HostileRequestTest extends SampleServiceTestBase {

    private static final String CLASSIFY = "/v1/models/wordnet/classify";
    private static final String FEEDBACK = "/v1/models/wordnet/feedback";
    private static final String JOBS = "/v1/models/wordnet/fine-tune-jobs";
    private static final String JSON = "application/json";

    @Autowired
    FineTuningService fineTuning;

    /** One hostile request: what it is, and the status it must get. */
    record Case(String name, String method, String path, String contentType, byte[] body, boolean chunked, int status) {

        @Override
        public String toString() {
            return name + " -> " + status;
        }
    }

    private static Case post(String name, String path, String contentType, String body, int status) {
        return new Case(name, "POST", path, contentType, body.getBytes(StandardCharsets.UTF_8), false, status);
    }

    private static Case post(String name, String path, String contentType, byte[] body, int status) {
        return new Case(name, "POST", path, contentType, body, false, status);
    }

    private static Case get(String name, String path, int status) {
        return new Case(name, "GET", path, null, null, false, status);
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            } else {
                for (int b : (int[]) p) {
                    out.write(b);
                }
            }
        }
        return out.toByteArray();
    }

    static Stream<Case> cases() {
        String big = "{\"text\": \"" + "word ".repeat(20_000) + "\"}";
        List<Case> c = new ArrayList<>();
        // Oversize bodies (sample.max-request-bytes is 64 KiB in these tests, max-job-bytes 200,000).
        c.add(post("classify body over the limit (Content-Length)", CLASSIFY, JSON, big, 413));
        c.add(new Case("classify body over the limit (chunked, no length)", "POST", CLASSIFY, JSON, big.getBytes(StandardCharsets.UTF_8),
                true, 413));
        c.add(post("feedback body over the limit", FEEDBACK, JSON, "{\"label\": \"x\", \"text\": \"" + "w ".repeat(40_000) + "\"}", 413));
        c.add(post("job upload over max-job-bytes", JOBS, "text/plain", "__label__x some words\n".repeat(10_000), 413));
        c.add(post("text over max-text-chars", CLASSIFY, JSON, "{\"text\": \"" + "a".repeat(3000) + "\"}", 413));
        // Bad UTF-8 and NUL bytes.
        c.add(post("invalid UTF-8 inside a JSON string", CLASSIFY, JSON, bytes("{\"text\": \"dog ", new int[]{0xc3, 0x28}, "\"}"), 400));
        c.add(post("overlong UTF-8 encoding of '/'", CLASSIFY, JSON, bytes("{\"text\": \"a", new int[]{0xc0, 0xaf}, "b\"}"), 400));
        c.add(post("4-byte UTF-8 above U+10FFFF", CLASSIFY, JSON, bytes("{\"text\": \"a", new int[]{0xf4, 0x90, 0x80, 0x80}, "\"}"), 400));
        c.add(post("UTF-8 cut off at the end of the body", CLASSIFY, JSON, bytes("{\"text\": \"a\"}", new int[]{0xe2, 0x82}), 400));
        c.add(post("UTF-8 encoded surrogate (CESU)", CLASSIFY, JSON, bytes("{\"text\": \"a", new int[]{0xed, 0xa0, 0x80}, "\"}"), 400));
        c.add(post("raw NUL byte inside a JSON string", CLASSIFY, JSON, bytes("{\"text\": \"dog", new int[]{0}, "cat\"}"), 400));
        c.add(post("raw NUL byte between JSON tokens", CLASSIFY, JSON, bytes("{\"text\": \"dog\"", new int[]{0}, "}"), 400));
        c.add(post("escaped NUL as the whole text", CLASSIFY, JSON, "{\"text\": \"\\u0000\"}", 400));
        c.add(post("escaped NUL between words", CLASSIFY, JSON, "{\"text\": \"dog\\u0000cat\"}", 200));
        c.add(post("escaped NUL in a feedback label", FEEDBACK, JSON, "{\"text\": \"a dog\", \"label\": \"x\\u0000y\"}", 400));
        c.add(post("job lines all invalid UTF-8", JOBS, "text/plain", bytes(new int[]{0xff, 0xfe}, " __label__x words\n",
                new int[]{0xc3, 0x28}, " __label__y\n"), 400));
        c.add(post("job with bad UTF-8 and NUL lines among good ones", JOBS, "text/plain", bytes("__label__hostile.ok a fine line\n",
                new int[]{0xff}, "__label__x broken\n__label__x nul", new int[]{0}, "inside\n"), 202));
        // Path tricks in model names and job ids.
        c.add(post("model name '..' (dot segments, normalized away)", "/v1/models/../classify", JSON, "{\"text\": \"dog\"}", 404));
        c.add(post("model name %2e%2e", "/v1/models/%2e%2e/classify", JSON, "{\"text\": \"dog\"}", 404));
        c.add(post("model name with encoded slashes", "/v1/models/..%2f..%2fdata/classify", JSON, "{\"text\": \"dog\"}", 400));
        c.add(post("model name with encoded backslash", "/v1/models/..%5c..%5cdata/classify", JSON, "{\"text\": \"dog\"}", 400));
        c.add(post("model name double-encoded (%252e%252e%252f)", "/v1/models/%252e%252e%252fwordnet/classify", JSON,
                "{\"text\": \"dog\"}", 404));
        c.add(post("model name with an encoded NUL", "/v1/models/wordnet%00/classify", JSON, "{\"text\": \"dog\"}", 400));
        c.add(post("feedback to a traversing model name", "/v1/models/%252e%252e%252f%252e%252e%252ftmp/feedback", JSON,
                "{\"text\": \"a dog\", \"label\": \"x\"}", 404));
        String multipart = "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../../../tmp/kindling-evil\"\r\n"
                + "Content-Type: text/plain\r\n\r\n__label__hostile.upload some words\r\n--b0undary--\r\n";
        c.add(post("job upload whose file name climbs out (../../..)", JOBS, "multipart/form-data; boundary=b0undary", multipart, 202));
        c.add(get("job id '..' encoded", "/v1/fine-tune-jobs/%2e%2e", 404));
        c.add(get("job id with encoded slashes", "/v1/fine-tune-jobs/..%2f..%2fwordnet%2fjobs", 400));
        c.add(get("job id double-encoded traversal", "/v1/fine-tune-jobs/..%252f..%252fkindling.lock", 404));
        c.add(get("job id with an encoded NUL", "/v1/fine-tune-jobs/abc%00", 400));
        c.add(get("job id: an unknown UUID", "/v1/fine-tune-jobs/00000000-0000-4000-8000-000000000000", 404));
        c.add(get("job id of 5,000 characters", "/v1/fine-tune-jobs/" + "a".repeat(5000), 404));
        c.add(new Case("cancel a traversing job id", "DELETE", "/v1/fine-tune-jobs/..%252f..%252fwordnet", null, null, false, 404));
        // Huge k.
        c.add(post("k = 2^31-1", CLASSIFY, JSON, "{\"text\": \"dog\", \"k\": 2147483647}", 400));
        c.add(post("k beyond int", CLASSIFY, JSON, "{\"text\": \"dog\", \"k\": 10000000000}", 400));
        c.add(post("k with 5,000 digits", CLASSIFY, JSON, "{\"text\": \"dog\", \"k\": " + "9".repeat(5000) + "}", 400));
        c.add(post("k = 1e999", CLASSIFY, JSON, "{\"text\": \"dog\", \"k\": 1e999}", 400));
        c.add(post("k = 0", CLASSIFY, JSON, "{\"text\": \"dog\", \"k\": 0}", 400));
        c.add(post("k = -1", CLASSIFY, JSON, "{\"text\": \"dog\", \"k\": -1}", 400));
        c.add(post("k = 1000 (the most allowed)", CLASSIFY, JSON, "{\"text\": \"dog\", \"k\": 1000}", 200));
        // Huge batches (kindling.request-limits.max-texts is 8 here).
        c.add(post("9 texts (one over max-texts)", CLASSIFY, JSON, "{\"texts\": [" + "\"dog\",".repeat(8) + "\"dog\"]}", 413));
        c.add(post("12,000 texts", CLASSIFY, JSON, "{\"texts\": [" + "\"a\",".repeat(11_999) + "\"a\"]}", 413));
        c.add(post("an empty batch", CLASSIFY, JSON, "{\"texts\": []}", 400));
        c.add(post("a batch with a null text", CLASSIFY, JSON, "{\"texts\": [\"dog\", null]}", 400));
        c.add(post("feedback with 10,000 labels", FEEDBACK, JSON, "{\"text\": \"a dog\", \"labels\": [" + "\"l\",".repeat(9_999)
                + "\"l\"]}", 400));
        c.add(post("feedback with 1,001 labels (one over the limit)", FEEDBACK, JSON, "{\"text\": \"a dog\", \"labels\": ["
                + "\"l\",".repeat(1000) + "\"l\"]}", 400));
        // Wrong content types.
        c.add(post("classify as text/plain", CLASSIFY, "text/plain", "{\"text\": \"dog\"}", 415));
        c.add(post("classify as application/xml", CLASSIFY, "application/xml", "<text>dog</text>", 415));
        c.add(post("classify without a content type", CLASSIFY, null, "{\"text\": \"dog\"}", 415));
        c.add(post("classify with a malformed content type", CLASSIFY, "application/", "{\"text\": \"dog\"}", 415));
        c.add(post("feedback as a form", FEEDBACK, "application/x-www-form-urlencoded", "text=dog&label=x", 415));
        c.add(post("job upload as JSON", JOBS, JSON, "{\"file\": \"__label__x a\"}", 415));
        c.add(post("classify as JSON in Latin-1", CLASSIFY, "application/json; charset=ISO-8859-1", "{\"text\": \"dog\"}", 200));
        c.add(get("GET on classify", CLASSIFY, 405));
        // Pathological JSON.
        c.add(post("JSON nested 10,000 deep", CLASSIFY, JSON, "[".repeat(10_000) + "]".repeat(10_000), 400));
        c.add(post("text nested in 2,000 objects", CLASSIFY, JSON, "{\"text\":".repeat(2000) + "\"x\"" + "}".repeat(2000), 400));
        c.add(post("JSON that is a bare string", CLASSIFY, JSON, "\"dog\"", 400));
        c.add(post("JSON null", CLASSIFY, JSON, "null", 400));
        c.add(post("truncated JSON", CLASSIFY, JSON, "{\"text\": \"do", 400));
        c.add(post("trailing garbage after JSON", CLASSIFY, JSON, "{\"text\": \"dog\"} xyz", 400));
        c.add(post("unknown fields only", CLASSIFY, JSON, "{\"txet\": \"dog\"}", 400));
        return c.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hostileRequestGetsItsStatus(Case c) throws Exception {
        long acknowledged = fineTuning.tuner("wordnet").acknowledged();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + c.path())).header("X-API-Key", KEY);
        if (c.contentType() != null) {
            b.header("Content-Type", c.contentType());
        }
        HttpRequest.BodyPublisher body = c.body() == null ? HttpRequest.BodyPublishers.noBody()
                : c.chunked() ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(c.body()))
                : HttpRequest.BodyPublishers.ofByteArray(c.body());
        HttpResponse<String> r = http.send(b.method(c.method(), body).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(c.name() + ": " + r.body()).isEqualTo(c.status());
        assertThat(r.body()).as(c.name()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("dev.kindling")
                .doesNotContain("java.");
        if (c.status() >= 400 && r.headers().firstValue("Content-Type").orElse("").contains("json")) {
            assertThat(r.headers().firstValue("Content-Type").orElse("")).as(c.name()).contains("application/problem+json");
        }
        if (c.status() != 202 && c.path().endsWith("/feedback")) {
            assertThat(fineTuning.tuner("wordnet").acknowledged()).as(c.name() + ": nothing logged").isEqualTo(acknowledged);
        }
    }

    @Test
    void noRequestCreatedAnythingOutsideTheModelsDirectories() throws Exception {
        try (Stream<java.nio.file.Path> s = Files.list(HOME.resolve("data"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).allMatch(n -> n.equals("wordnet") || n.equals("kindling.lock"));
        }
        assertThat(Files.exists(HOME.resolve("tmp"))).isFalse();
        assertThat(Files.exists(java.nio.file.Path.of("/tmp/kindling-evil"))).isFalse();
    }
}
