package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.ModelSettings;
import dev.kindling.core.serving.model.ModelRegistry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The child process of {@link CrashRecoveryTest}: serves one model with fine-tuning and submits
 * examples from one thread, printing "ACK seq" after each acknowledgement, until it is killed.
 */
public final class CrashingFineTuner {

    private CrashingFineTuner() {
    }

    static List<ModelSettings> models(Path modelFile) {
        return List.of(ModelSettings.builder("topics").checkpoint(modelFile).build());
    }

    static FineTuningSettings fineTuning(Path dir) {
        return FineTuningSettings.builder().batchSize(8).checkpointInterval(Duration.ofMillis(150)).walSegmentBytes(16 * 1024).build();
    }

    static LabelledExample example(int i) {
        return new LabelledExample("feedback word" + i + " about topic" + (i % 7), List.of("fresh" + (i % 7)));
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path model = Path.of(args[1]);
        ModelRegistry registry = new ModelRegistry(models(model), dir, List.of(), null);
        FineTuningService service = new FineTuningService(registry, fineTuning(dir), null);
        System.out.println("READY");
        for (int i = 0; ; i++) {
            long seq = service.submit("topics", example(i));
            System.out.println("ACK " + seq);
            System.out.flush();
        }
    }
}
