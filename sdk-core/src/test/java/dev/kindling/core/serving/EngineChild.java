package dev.kindling.core.serving;

import dev.kindling.core.serving.finetune.FineTuningSettings;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.ModelSettings;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The child process of {@link ServingEngineCrashTest}: a plain {@code main} (no Spring on the class path) that
 * serves one model through {@link ServingEngine}, classifies, and sends feedback from one thread, printing
 * "ACK seq" after each acknowledgement until it is killed.
 */
public final class EngineChild {

    private EngineChild() {
    }

    static ServingEngine start(Path data, Path modelFile) throws java.io.IOException {
        return ServingEngine.builder()
                .dataDirectory(data)
                .model(ModelSettings.builder("topics").checkpoint(modelFile).build())
                .fineTuning(FineTuningSettings.builder().batchSize(8).checkpointInterval(Duration.ofMillis(150))
                        .walSegmentBytes(16 * 1024).build())
                .start();
    }

    static LabelledExample example(int i) {
        return LabelledExample.of("feedback word" + i + " about topic" + (i % 7), "fresh" + (i % 7));
    }

    public static void main(String[] args) throws Exception {
        ServingEngine engine = start(Path.of(args[0]), Path.of(args[1]));
        System.out.println("READY " + engine.classify("topics", "oven flour butter", 1).labels().get(0).label());
        for (int i = 0; ; i++) {
            ServingEngine.Acknowledgement ack = engine.feedback("topics", example(i));
            System.out.println("ACK " + ack.sequence());
            System.out.flush();
        }
    }
}
