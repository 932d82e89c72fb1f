package dev.kindling.spring.app;

import dev.kindling.core.text.TrainingArgs;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.Classification;
import dev.kindling.core.serving.ClassificationService;
import dev.kindling.spring.classifier.Classifier;
import dev.kindling.core.serving.model.UnknownModelException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The whole starter in a small Spring Boot application: serve, learn a new label from feedback, report health. */
@SpringBootTest(classes = StarterTestApplication.class)
class StarterApplicationTest {

    static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("kindling-starter-test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Path model = TestModels.trainedFile(DIR, TrainingArgs.Loss.HSM);
        registry.add("kindling.models.topics.checkpoint", model::toString);
        registry.add("kindling.models.topics.k", () -> "3");
        registry.add("kindling.fine-tuning.directory", () -> DIR.resolve("data").toString());
        registry.add("kindling.fine-tuning.max-batch-delay", () -> "5ms");
    }

    @Autowired
    ClassificationService classification;

    @Autowired
    FineTuningService fineTuning;

    @Autowired
    @Qualifier("topics")
    Classifier topics;

    @Autowired
    Map<String, HealthIndicator> health;

    @Test
    void servesLearnsANewLabelFromFeedbackAndReportsHealth() throws Exception {
        Classification c = classification.classify("topics", "guitar chord concert", null);
        assertThat(c.labels()).hasSize(3);
        assertThat(c.labels().get(0).label()).isEqualTo("music");
        assertThat(c.device()).isEqualTo("cpu:0");
        assertThat(topics.info().devices()).as("host-memory model has no GPU replica").containsExactly("cpu:0");

        long v0 = topics.info().version();
        for (int i = 0; i < 60; i++) {
            fineTuning.submit("topics", LabelledExample.of("quantum qubit entanglement superposition", "physics"));
        }
        assertThat(fineTuning.tuner("topics").awaitApplied(Duration.ofSeconds(20))).isTrue();
        Classification after = classification.classify("topics", "qubit entanglement", null);
        assertThat(after.labels().get(0).label()).isEqualTo("physics");
        assertThat(after.version()).isGreaterThan(v0);
        assertThat(topics.info().labels()).isEqualTo(6);
        assertThat(classification.classify("topics", "guitar chord concert", null).labels().get(0).label()).isEqualTo("music");

        Health h = health.get("kindlingHealthIndicator").health();
        assertThat(h.getStatus()).isEqualTo(Status.UP);
        assertThat(h.getDetails()).containsKeys("devices", "models");

        assertThatThrownBy(() -> classification.classify("nope", "text", 1)).isInstanceOf(UnknownModelException.class)
                .hasMessageContaining("topics");
        assertThatThrownBy(() -> classification.classify("topics", "text", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k must be");
        assertThatThrownBy(() -> fineTuning.submit("topics", LabelledExample.of(" ", "x"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theEngineApiRefusesWhatTheModelCouldNeverTakeBeforeAnythingIsLogged() {
        long acknowledged = fineTuning.tuner("topics").acknowledged();
        assertThatThrownBy(() -> fineTuning.submit("topics", LabelledExample.of("t", "my\u0000label")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control character U+0000");
        assertThatThrownBy(() -> fineTuning.submit("topics", new LabelledExample("t", java.util.List.of("ok", "line\u2028break"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whitespace character U+2028");
        assertThat(fineTuning.tuner("topics").acknowledged()).isEqualTo(acknowledged);
        assertThatThrownBy(() -> classification.classify("topics", "broken \uD800 pair", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate U+D800");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> models = (Map<String, Map<String, Object>>) health.get("kindlingLearningHealthIndicator").health()
                .getDetails().get("models");
        assertThat(models.get("topics")).containsEntry("quarantinedRecords", 0L);   // learning health, apart from serving health
    }
}
