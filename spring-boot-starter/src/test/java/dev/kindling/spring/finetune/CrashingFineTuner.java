package dev.kindling.spring.finetune;

import dev.kindling.spring.model.KindlingModelProperties;
import dev.kindling.spring.model.ModelRegistry;

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

    static KindlingModelProperties models(Path modelFile) {
        KindlingModelProperties p = new KindlingModelProperties();
        KindlingModelProperties.Model m = new KindlingModelProperties.Model();
        m.setCheckpoint(modelFile);
        p.getModels().put("topics", m);
        return p;
    }

    static FineTuningProperties fineTuning(Path dir) {
        FineTuningProperties f = new FineTuningProperties();
        f.setDirectory(dir);
        f.setBatchSize(8);
        f.setCheckpointInterval(Duration.ofMillis(150));
        f.setWalSegmentBytes(16 * 1024);
        return f;
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
