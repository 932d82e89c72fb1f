package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.guard.GuardSettings;
import dev.kindling.core.serving.guard.LabelPolicySettings;
import dev.kindling.core.serving.model.ModelSettings;
import dev.kindling.core.text.TrainingArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A model's own learning rate, batch size, queue, delay, checkpoint interval and guardrails; the rest inherits the service's. */
class PerModelTuningTest {

    @TempDir
    Path dir;

    @Test
    void aModelsOwnValuesOverrideTheServicesAndTheOthersInheritThem() throws Exception {
        Path file = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
        GuardSettings strict = GuardSettings.defaults().withLabels(LabelPolicySettings.defaults().withMaxNewLabelsPerHour(0));
        FineTuningSettings settings = FineTuningSettings.builder().learningRate(0.05f).batchSize(32).checkpointInterval(Duration.ofHours(1))
                .model("products", ModelTuning.builder().learningRate(0.2f).batchSize(4).queueCapacity(64).maxBatchDelay(Duration.ZERO)
                        .guardrails(strict).build())
                .build();
        try (ServingEngine engine = ServingEngine.builder().dataDirectory(dir.resolve("data"))
                .model(ModelSettings.builder("products").checkpoint(file).devices("cpu").build())
                .model(ModelSettings.builder("reviews").checkpoint(file).devices("cpu").build())
                .fineTuning(settings).start()) {
            FineTuningSettings products = engine.fineTuning().tuner("products").settings();
            FineTuningSettings reviews = engine.fineTuning().tuner("reviews").settings();
            assertThat(products).extracting(FineTuningSettings::learningRate, FineTuningSettings::batchSize, FineTuningSettings::queueCapacity,
                    FineTuningSettings::maxBatchDelay, FineTuningSettings::checkpointInterval)
                    .containsExactly(0.2f, 4, 64, Duration.ZERO, Duration.ofHours(1));
            assertThat(reviews).extracting(FineTuningSettings::learningRate, FineTuningSettings::batchSize, FineTuningSettings::queueCapacity)
                    .containsExactly(0.05f, 32, 10_000);
            assertThat(engine.guard("products").labels().settings().maxNewLabelsPerHour()).isZero();
            assertThat(engine.guard("reviews").labels().settings()).isEqualTo(LabelPolicySettings.defaults());
        }
    }

    @Test
    void anInvalidCombinationFailsNamingTheModel() {
        assertThatThrownBy(() -> FineTuningSettings.builder().queueCapacity(100)
                .model("products", ModelTuning.builder().batchSize(500).build()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("model 'products': ")
                .hasMessageContaining("queue-capacity >= batch-size");
    }
}
