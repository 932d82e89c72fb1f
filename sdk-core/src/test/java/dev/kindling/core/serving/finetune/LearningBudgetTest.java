package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.guard.GuardSettings;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.ModelSettings;
import dev.kindling.core.text.TrainingArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A learning budget (max-examples-per-second) caps how fast a model trains: 60 examples at 200 a second, in rounds of at
 * most 10, cannot all be applied before the rounds' minimum durations have passed (a lower bound: the test cannot fail
 * because the machine is slow). Everything accepted is still applied, exactly once.
 */
class LearningBudgetTest {

    @TempDir
    Path dir;

    @Test
    void roundsTakeAtLeastTheirShareOfTheBudgetAndEverythingIsApplied() throws Exception {
        Path file = TestModels.trainedFile(dir, TrainingArgs.Loss.HSM);
        FineTuningSettings settings = FineTuningSettings.builder().batchSize(10).maxBatchDelay(Duration.ZERO).maxExamplesPerSecond(200)
                .checkpointInterval(Duration.ofHours(1)).guardrails(GuardSettings.minimal()).build();
        try (ServingEngine engine = ServingEngine.builder().dataDirectory(dir.resolve("data"))
                .model(ModelSettings.builder("topics").checkpoint(file).devices("cpu").build()).fineTuning(settings).start()) {
            long before = engine.model("topics").examplesApplied();
            long start = System.nanoTime();
            for (int i = 0; i < 60; i++) {
                engine.feedback("topics", LabelledExample.of("snow storm forecast " + i, "weather"));
            }
            assertThat(engine.awaitApplied("topics", Duration.ofMinutes(1))).isTrue();
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(engine.model("topics").examplesApplied() - before).isEqualTo(60);
            // At least 6 rounds of at most 10 examples; each but the last must last 10 / 200 s = 50 ms before the next starts.
            assertThat(elapsedMillis).as("60 examples at 200/s").isGreaterThanOrEqualTo(250);
        }
    }

    @Test
    void aNegativeBudgetIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> FineTuningSettings.builder().maxExamplesPerSecond(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-examples-per-second");
    }
}
