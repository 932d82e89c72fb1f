package dev.kindling.core.serving.finetune;

import dev.kindling.core.device.DevicePool;
import dev.kindling.core.serving.MapRowCache;
import dev.kindling.core.serving.routing.FallbackRouter;
import dev.kindling.core.serving.finetune.FineTuneJob;
import dev.kindling.core.serving.finetune.FineTuningBusyException;
import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.model.Classification;
import dev.kindling.core.serving.ClassificationService;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.serving.model.ServedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many threads classify while a fine-tuning job and feedback update the same model: no exception, no
 * torn result (probabilities sorted, summing to at most 1, labels known), versions never go back, and
 * every update is applied exactly once. Rows are served through the embedding cache, which must follow
 * the updates.
 */
class ConcurrentServingTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void classifyWhileFineTuning() throws Exception {
        Path model = TestModels.trainedFile(dir, TrainingArgs.Loss.HS);
        Path data = dir.resolve("data");
        java.util.concurrent.atomic.AtomicReference<MapRowCache> cache = new java.util.concurrent.atomic.AtomicReference<>();
        ModelRegistry registry = new ModelRegistry(CrashingFineTuner.models(model), data, List.of(),
                served -> {
                    cache.set(new MapRowCache(() -> served.servingClassifier().inputTable()));
                    return cache.get();
                });
        FineTuningSettings ft = CrashingFineTuner.fineTuning(data).toBuilder().queueCapacity(64).build();
        FallbackRouter router = new FallbackRouter(DevicePool.cpu(1));
        ClassificationService classify = new ClassificationService(registry, router, dev.kindling.core.serving.model.RequestLimits.DEFAULT, null);
        ServedModel m = registry.get("topics");
        long before = m.examplesApplied();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger classified = new AtomicInteger();
        try (FineTuningService service = new FineTuningService(registry, ft, null)) {
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int id = t;
                readers.add(Thread.ofPlatform().start(() -> {
                    long lastVersion = 0;
                    String[] texts = {"goal match referee", "oven flour", "storm forecast", "kernel thread cache", "violin chord",
                            "feedback word about topic3"};
                    while (!stop.get()) {
                        try {
                            Classification c = classify.classify("topics", texts[(id + classified.get()) % texts.length], 5);
                            assertTrue(c.version() >= lastVersion, "versions never go back");
                            lastVersion = c.version();
                            float sum = 0, prev = Float.MAX_VALUE;
                            for (Classification.LabelScore s : c.labels()) {
                                assertTrue(s.probability() <= prev + 1e-6f, "sorted by probability");
                                assertTrue(Float.isFinite(s.probability()) && s.probability() >= 0);
                                prev = s.probability();
                                sum += s.probability();
                            }
                            assertTrue(sum <= 1.0001f, "probabilities of distinct labels sum to at most 1, got " + sum);
                            classified.incrementAndGet();
                        } catch (Throwable e) {
                            errors.add(e);
                            return;
                        }
                    }
                }));
            }
            StringBuilder job = new StringBuilder();
            for (int i = 0; i < 1500; i++) {
                job.append("__label__fresh").append(i % 7).append(" feedback word").append(i).append(" about topic").append(i % 7).append('\n');
            }
            FineTuneJob j = service.startJob("topics", new ByteArrayInputStream(job.toString().getBytes(StandardCharsets.UTF_8)));
            int feedback = 0;
            for (int i = 0; i < 300; i++) {
                try {
                    service.submit("topics", CrashingFineTuner.example(10_000 + i));
                    feedback++;
                } catch (FineTuningBusyException busy) {
                    Thread.sleep(2);   // back-pressure: the queue is small on purpose
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (j.state() == FineTuneJob.State.RUNNING || j.state() == FineTuneJob.State.QUEUED) {
                assertTrue(System.nanoTime() < deadline, "job did not finish: " + j.status());
                Thread.sleep(20);
            }
            assertTrue(service.tuner("topics").awaitApplied(Duration.ofSeconds(30)));
            stop.set(true);
            for (Thread r : readers) {
                r.join(10_000);
            }
            assertTrue(errors.isEmpty(), () -> "classification failed during fine-tuning: " + errors.peek());
            assertEquals(FineTuneJob.State.SUCCEEDED, j.state(), () -> String.valueOf(j.status()));
            assertEquals(1500, j.status().appliedExamples());
            assertEquals(1.0, j.status().progress(), 1e-9);
            assertEquals(before + 1500 + feedback, m.examplesApplied(), "every update applied exactly once");
            assertTrue(classified.get() > 100, "readers made progress: " + classified.get());
            // The cache follows fine-tuning: a cached prediction equals one computed from the table itself.
            Classification cached = classify.classify("topics", "feedback word7 about topic0", 3);
            m.useRowCache(null);
            Classification direct = classify.classify("topics", "feedback word7 about topic0", 3);
            assertEquals(direct.labels(), cached.labels());
            assertTrue(cache.get().size() > 0, "rows were served from the cache");
        } finally {
            stop.set(true);
            router.close();
        }
    }
}
