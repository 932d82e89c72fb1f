package dev.kindling.core.serving.model;

import dev.kindling.core.serving.model.Classification;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.checkpoint.CheckpointStore;
import dev.kindling.core.serving.model.LabelledExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A checkpoint being written keeps the next fine-tuning update waiting, but classification must go on:
 * the waiting update may not stall every request until the checkpoint file is on disk.
 */
class CheckpointWhileServingTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void classificationIsNotBlockedByAnUpdateWaitingForACheckpoint() throws Exception {
        ServedModel m = new ServedModel("topics", ModelSettings.builder("topics").build(), TestModels.train(TrainingArgs.Loss.HS));
        CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"));
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        // Own threads: the common pool may have a single worker, which the blocked checkpoint would take.
        ExecutorService threads = Executors.newCachedThreadPool();
        CompletableFuture<CheckpointStore.Snapshot> checkpoint = CompletableFuture.supplyAsync(() -> {
            try {
                return m.checkpoint(store, c -> file -> {
                    writing.countDown();
                    try {
                        finish.await();
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                    c.save(file);
                });
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, threads);
        assertThat(writing.await(20, TimeUnit.SECONDS)).isTrue();
        long v0 = m.version();
        Thread update = Thread.ofPlatform().start(() -> m.update(List.of(LabelledExample.of("goal match", "sport")), 0.1f, 7));
        while (update.getState() != Thread.State.WAITING) {
            assertThat(update.isAlive()).as("the update must wait for the checkpoint").isTrue();
            Thread.sleep(1);
        }
        try {
            CompletableFuture<Classification> served = CompletableFuture.supplyAsync(() -> m.classify("goal match referee", 1), threads);
            Classification c = served.get(10, TimeUnit.SECONDS);
            assertThat(c.version()).isEqualTo(v0);
        } finally {
            finish.countDown();
        }
        CheckpointStore.Snapshot s = checkpoint.get(20, TimeUnit.SECONDS);
        update.join();
        assertThat(s.version()).isEqualTo(v0);
        assertThat(s.walSequence()).isZero();
        assertThat(m.appliedSequence()).isEqualTo(7);
        assertThat(m.version()).isEqualTo(v0 + 1);
        threads.shutdown();
    }
}
