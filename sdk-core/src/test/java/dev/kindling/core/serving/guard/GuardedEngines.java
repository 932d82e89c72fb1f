package dev.kindling.core.serving.guard;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.finetune.FineTuningSettings;
import dev.kindling.core.serving.model.ModelSettings;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** Engines with one guarded model for the guardrail tests: no periodic checkpoints (tests checkpoint when they mean to). */
final class GuardedEngines {

    static final String MODEL = "topics";

    private GuardedEngines() {
    }

    static FineTuningSettings.Builder fineTuning(GuardSettings guard) {
        return FineTuningSettings.builder().checkpointInterval(Duration.ofHours(1)).maxBatchDelay(Duration.ofMillis(5)).guardrails(guard);
    }

    static ServingEngine start(Path data, Path modelFile, FineTuningSettings settings, GateListener listener) throws IOException {
        return ServingEngine.builder()
                .dataDirectory(data)
                .model(ModelSettings.builder(MODEL).checkpoint(modelFile).devices("cpu").build())
                .fineTuning(settings)
                .gateListener(listener)
                .start();
    }
}
