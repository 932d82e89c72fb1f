package dev.kindling.core.serving.model;

import dev.kindling.core.serving.TestModels;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.TrainingArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A classification never waits for a training step: a training round held inside its work by a latch (after it
 * trained, before it published) does not keep classifications from completing, and they answer from the version
 * before the round; once released, the round's version is served.
 */
class ClassifyDuringTrainingTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void classificationsCompleteWhileATrainingRoundIsHeldMidway() throws Exception {
        ServedModel m = new ServedModel("topics", ModelSettings.builder("topics").build(), TestModels.train(TrainingArgs.Loss.HSM));
        CountDownLatch training = new CountDownLatch(1), release = new CountDownLatch(1);
        m.afterStaging(() -> {
            training.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long before = m.version();
        List<LabelledExample> batch = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            batch.add(LabelledExample.of("snow storm forecast frost " + i, i % 2 == 0 ? "weather" : "skiing"));
        }
        // Own threads: the common pool may have a single worker, which the held round would occupy.
        java.util.concurrent.ExecutorService trainer = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(2);
        CompletableFuture<ServedModel.UpdateResult> update = CompletableFuture.supplyAsync(() -> m.update(batch, 0.5f, 32), trainer);
        assertTrue(training.await(30, TimeUnit.SECONDS), "the round reached its hold");
        try {
            for (int i = 0; i < 200; i++) {
                CompletableFuture<Classification> c = CompletableFuture.supplyAsync(() -> m.classify("snow storm forecast", 3), readers);
                Classification answer = c.get(10, TimeUnit.SECONDS);   // would time out if it waited for the round
                assertEquals(before, answer.version(), "answers come from the version before the held round");
                assertFalse(answer.labels().stream().anyMatch(l -> l.label().equals("skiing")), "the new label is not served yet");
            }
            assertFalse(update.isDone(), "the round is still held");
        } finally {
            release.countDown();
            readers.shutdown();
            trainer.shutdown();
        }
        ServedModel.UpdateResult r = update.get(30, TimeUnit.SECONDS);
        assertEquals(before + 1, r.version());
        assertEquals(1, r.labelsAdded());
        Classification after = m.classify("snow storm forecast", 3);
        assertEquals(before + 1, after.version());
        assertEquals(32, m.appliedSequence());
    }

    /**
     * With a serving copy (the validation gate's), a round's publish on the learned copy takes no lock readers need: a
     * round held inside its publish does not keep classifications from completing. Without one, the publish is the
     * short section readers do wait for: the same hold keeps a classification waiting (which shows the hold is where
     * the first half says it is).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void withAServingCopyClassificationsDoNotWaitEvenForAPublish(@TempDir Path dir) throws Exception {
        for (boolean servingCopy : new boolean[]{true, false}) {
            ServedModel m = new ServedModel("topics", ModelSettings.builder("topics").build(), TestModels.train(TrainingArgs.Loss.HSM));
            AtomicInteger copies = new AtomicInteger();
            if (servingCopy) {
                m.serveSeparately(c -> copy(c, dir.resolve("copy-" + copies.incrementAndGet() + ".bin")), null, null, true, 10_000_000);
            }
            CountDownLatch publishing = new CountDownLatch(1), release = new CountDownLatch(1);
            m.whilePublishing(() -> {
                publishing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long served = m.classify("snow storm forecast", 3).version();
            java.util.concurrent.ExecutorService trainer = java.util.concurrent.Executors.newSingleThreadExecutor();
            java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                CompletableFuture<ServedModel.UpdateResult> update = CompletableFuture.supplyAsync(
                        () -> m.update(List.of(LabelledExample.of("snow storm forecast frost", "weather")), 0.5f, 1), trainer);
                assertTrue(publishing.await(30, TimeUnit.SECONDS), "the round reached its publish");
                CompletableFuture<Classification> c = CompletableFuture.supplyAsync(() -> m.classify("snow storm forecast", 3), readers);
                if (servingCopy) {
                    assertEquals(served, c.get(10, TimeUnit.SECONDS).version(), "answered meanwhile, from the served version");
                    assertFalse(update.isDone(), "the round is still held");
                } else {
                    assertThrows(TimeoutException.class, () -> c.get(300, TimeUnit.MILLISECONDS), "waits for the publish");
                }
                release.countDown();
                update.get(30, TimeUnit.SECONDS);
                long after = c.get(30, TimeUnit.SECONDS).version();
                assertEquals(servingCopy ? served : served + 1, after, servingCopy ? "the copy serves the new round once promoted"
                        : "answered after the publish, from its version");
            } finally {
                release.countDown();
                readers.shutdown();
                trainer.shutdown();
            }
        }
    }

    private static TextClassifier copy(TextClassifier c, Path file) {
        try {
            c.save(file);
            return TextClassifier.load(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A second copy fed the first one's deltas serves the same answers at the same version, new label included. */
    @Test
    void aCopyTakingTheDeltasAnswersAsTheTrainer() {
        ServedModel trainer = new ServedModel("topics", ModelSettings.builder("topics").build(), TestModels.train(TrainingArgs.Loss.HSM));
        ServedModel follower = new ServedModel("topics", ModelSettings.builder("topics").build(), TestModels.train(TrainingArgs.Loss.HSM));
        List<dev.kindling.core.text.ModelDelta> shipped = new ArrayList<>();
        trainer.onDelta(shipped::add);
        for (int round = 0; round < 3; round++) {
            List<LabelledExample> batch = List.of(LabelledExample.of("powder slope lift " + round, "skiing"),
                    LabelledExample.of("oven flour butter", "cooking"));
            trainer.update(batch, 0.5f, (round + 1) * 2L);
            follower.applyDelta(dev.kindling.core.text.ModelDelta.decode(shipped.get(round).encode()), 2, (round + 1) * 2L, java.util.Map.of());
            Classification a = trainer.classify("powder slope lift", 3), b = follower.classify("powder slope lift", 3);
            assertEquals(a.labels(), b.labels(), "round " + round);
            assertEquals(a.version(), b.version());
        }
        assertEquals("skiing", follower.classify("powder slope lift", 1).labels().get(0).label());
        assertEquals(6, follower.appliedSequence());
        assertEquals(6, follower.examplesApplied());
    }
}
