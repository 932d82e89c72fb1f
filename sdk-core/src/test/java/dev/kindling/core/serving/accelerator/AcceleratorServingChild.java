package dev.kindling.core.serving.accelerator;

import dev.kindling.core.serving.ServingEngine;
import dev.kindling.core.serving.finetune.FineTuningSettings;
import dev.kindling.core.serving.model.Classification;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.ModelSettings;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.tensor.Device;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link AcceleratorServingTest} (the stand-in accelerator is switched on by its system property):
 * a plain engine whose model may run on {@code standin:0} prints, line by line, where classifications ran and whether
 * they equal the CPU's answers, before and after feedback teaches a new label, and after the device starts failing.
 */
public final class AcceleratorServingChild {

    private AcceleratorServingChild() {
    }

    public static void main(String[] args) throws Exception {
        try (ServingEngine engine = ServingEngine.builder()
                .dataDirectory(Path.of(args[0]))
                .model(ModelSettings.builder("topics").checkpoint(Path.of(args[1])).devices("auto").build())
                .fineTuning(FineTuningSettings.builder().batchSize(4).maxBatchDelay(Duration.ofMillis(5)).build())
                .start()) {
            ServedModel m = engine.model("topics");
            System.out.println("REPLICAS " + m.replicaDevices());
            report("FRESH", engine, m);
            for (int i = 0; i < 12; i++) {
                var ack = engine.feedback("topics", LabelledExample.of("telescope galaxy nebula " + i, "astronomy"));
                ack.applied().get(10, TimeUnit.SECONDS);
            }
            report("LEARNED", engine, m);
            System.setProperty("kindling.test.standin.fail-after", "0");   // every later bag on the device fails
            report("FAULTY", engine, m);
        }
    }

    private static void report(String when, ServingEngine engine, ServedModel m) {
        List<String> texts = List.of("telescope galaxy nebula", "oven flour butter", "goal match striker", "rain snow frost");
        List<Classification> routed = engine.classifyAll("topics", texts, 3);
        List<Classification> cpu = m.classifyAll(texts, 3, Device.CPU);
        boolean same = true;
        for (int i = 0; i < texts.size(); i++) {
            var a = routed.get(i).labels();
            var b = cpu.get(i).labels();
            for (int j = 0; j < a.size(); j++) {
                same &= a.get(j).label().equals(b.get(j).label()) && Math.abs(a.get(j).probability() - b.get(j).probability()) < 1e-5f;
            }
        }
        System.out.println(when + " device=" + routed.get(0).device() + " version=" + routed.get(0).version() + " sameAsCpu=" + same
                + " top=" + routed.get(0).labels().get(0).label());
        System.out.flush();
    }
}
