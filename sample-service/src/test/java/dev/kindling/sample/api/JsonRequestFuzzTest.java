package dev.kindling.sample.api;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.finetune.FineTuningSettings;
import dev.kindling.core.serving.model.ModelSettings;
import dev.kindling.core.serving.model.RequestLimits;
import dev.kindling.core.serving.model.UnknownModelException;
import dev.kindling.core.serving.finetune.FineTuningDisabledException;
import dev.kindling.core.serving.guard.LabelRefusedException;
import dev.kindling.core.serving.model.InvalidInputException;
import dev.kindling.core.serving.routing.RetryLaterException;
import dev.kindling.core.serving.finetune.PayloadTooLargeException;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.spring.classifier.ClassifierAutoConfiguration;
import dev.kindling.spring.classifier.Classifiers;
import dev.kindling.spring.model.KindlingModelProperties;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterAll;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.mock.web.MockHttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Coverage-guided fuzzing of the JSON requests of the API without a server: the body bytes through the API's
 * JSON mapper (the app's {@link ApiJsonCustomizer}) into the request records, then the controller's checks and
 * the engine's (a small real model, fine-tuning on, its log in a scratch directory). Every input must end in an
 * answer that is 2xx or 4xx: a JSON error described in the API's terms by {@link ProblemDetailsHandler} (never a Java
 * class), or one of the engine's exceptions the starter's problem advice maps to 400, 404, 409, 413, 422 or 429. Anything
 * else would be a 5xx.
 */
class JsonRequestFuzzTest {

    private static final Pattern JAVA_NAMES = Pattern.compile("(java|javax|jakarta|tools\\.jackson|dev\\.kindling|org\\.springframework)\\."
            + "|\\.[A-Z]\\w*\\$[A-Z]");
    /** What a detail quotes is the client's own input (a token, a field name): not checked for Java names. */
    private static final Pattern QUOTED = Pattern.compile("'[^']*'|\"[^\"]*\"");
    private static final ServingEngine ENGINE;
    private static final ModelsController CONTROLLER;
    private static final JsonMapper MAPPER;

    static {
        try {
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "kindling-fuzz-json") : Files.createTempDirectory("kindling-fuzz-json");
            Path model = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
            ENGINE = ServingEngine.builder().dataDirectory(dir.resolve("data"))
                    .model(ModelSettings.builder("m").checkpoint(model).k(3).build())
                    .fineTuning(FineTuningSettings.builder().queueCapacity(64).maxBatchDelay(Duration.ofMillis(1))
                            .checkpointInterval(Duration.ofHours(1)).build())
                    .limits(new RequestLimits(8, 2000))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The starter's classifiers over the engine, as its auto-configuration makes them (no observations, feedback in the caller).
        Classifiers classifiers = new ClassifierAutoConfiguration().kindlingClassifiers(ENGINE, new KindlingModelProperties(),
                new StaticListableBeanFactory().getBeanProvider(ObservationRegistry.class), Runnable::run);
        CONTROLLER = new ModelsController(classifiers, null, ENGINE);
        JsonMapper.Builder b = JsonMapper.builder();
        new ApiJsonCustomizer().customize(b);
        MAPPER = b.build();
    }

    @AfterAll
    static void close() throws IOException {
        ENGINE.close();
    }

    @FuzzTest(maxDuration = "10s")
    void classify(FuzzedDataProvider data) {
        String model = data.consumeInt(0, 15) == 0 ? data.consumeString(12) : "m";
        byte[] body = data.consumeRemainingAsBytes();
        ApiDtos.ClassifyRequest request = read(body, ApiDtos.ClassifyRequest.class);
        if (request != null) {
            answer(() -> CONTROLLER.classify(model, request));
        }
    }

    @FuzzTest(maxDuration = "10s")
    void feedback(FuzzedDataProvider data) {
        String model = data.consumeInt(0, 15) == 0 ? data.consumeString(12) : "m";
        byte[] body = data.consumeRemainingAsBytes();
        ApiDtos.FeedbackRequest request = read(body, ApiDtos.FeedbackRequest.class);
        if (request != null) {
            answer(() -> CONTROLLER.feedback(model, request, new MockHttpServletRequest()));
        }
    }

    /** The body as Spring's converter would read it; an unreadable one must be described without Java names (400). */
    private static <T> T read(byte[] body, Class<T> type) {
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                unreadable(new HttpMessageNotReadableException("Required request body is missing", message(body)));
            }
            return value;
        } catch (JacksonException e) {
            unreadable(new HttpMessageNotReadableException("JSON parse error: " + e.getOriginalMessage(), e, message(body)));
            return null;
        }
    }

    private static void unreadable(HttpMessageNotReadableException e) {
        String detail = UnreadableBodyMessage.of(e);
        if (detail == null || detail.isBlank() || JAVA_NAMES.matcher(QUOTED.matcher(detail).replaceAll("")).find()) {
            throw new AssertionError("400 detail '" + detail + "' for " + e.getCause(), e);
        }
    }

    /**
     * Runs a controller call; fails (a finding) on any exception that would not become a 4xx problem: the engine's own
     * types as the starter's advice maps them (a plain IllegalArgumentException, say, would be a 500).
     */
    private static void answer(Runnable call) {
        try {
            call.run();
        } catch (InvalidInputException | PayloadTooLargeException | UnknownModelException | FineTuningDisabledException
                 | RetryLaterException | LabelRefusedException e) {
            requireDetail(e);
        }
    }

    private static void requireDetail(RuntimeException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError("a " + e.getClass().getSimpleName() + " without a message would be a problem without detail", e);
        }
    }

    private static HttpInputMessage message(byte[] body) {
        return new HttpInputMessage() {
            @Override
            public InputStream getBody() {
                return new ByteArrayInputStream(body);
            }

            @Override
            public HttpHeaders getHeaders() {
                return new HttpHeaders();
            }
        };
    }
}
