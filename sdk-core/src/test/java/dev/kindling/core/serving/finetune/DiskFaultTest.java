package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.serving.model.ServedModel;
import dev.kindling.core.testing.Tmpfs;
import dev.kindling.core.text.TrainingArgs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Disk faults under the engine, on a real file system: the data directory on a small tmpfs that is filled up
 * (ENOSPC) or remounted read-only (EROFS). What cannot be stored is refused with a
 * {@link StorageUnavailableException} (never acknowledged), nothing half-written stays behind, fine-tuning stays
 * healthy, everything works again once space is back, and a crash afterwards loses nothing acknowledged.
 * Skipped where mounting is not permitted (not root).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DiskFaultTest {

    @TempDir
    static Path shared;
    private static Path modelFile;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainModel() {
        modelFile = TestModels.trainedFile(shared, TrainingArgs.Loss.HSM);
    }

    private record Service(ModelRegistry registry, FineTuningService fineTuning) implements AutoCloseable {
        ServedModel model() {
            return registry.get("topics");
        }

        ModelFineTuner tuner() {
            return fineTuning.tuner("topics");
        }

        FineTuneJob job(String content) throws IOException {
            return fineTuning.startJob("topics", new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public void close() throws IOException {
            fineTuning.close();
        }
    }

    private static Service start(Path data, ModelFineTuner.Listener listener) throws IOException {
        ModelRegistry registry = new ModelRegistry(CrashingFineTuner.models(modelFile), data, List.of(), null);
        // Checkpoints only when the test asks for one; small segments, so that appends also roll segments on a full disk.
        FineTuningSettings settings = FineTuningSettings.builder().batchSize(8).queueCapacity(64).checkpointInterval(Duration.ofHours(1))
                .walSegmentBytes(4096).maxBatchDelay(Duration.ofMillis(1)).build();
        return new Service(registry, new FineTuningService(registry, settings, listener));
    }

    /** Stops like a killed process: no final checkpoint; its files are closed, as the OS closes a dead process's. */
    private static void crash(Service s) throws Exception {
        s.fineTuning().halt();
        for (ModelFineTuner t : s.fineTuning().tuners()) {
            t.closeLog();
        }
    }

    private static LabelledExample example(int i) {
        return CrashingFineTuner.example(i);
    }

    @Test
    void aFullDiskRefusesWhatItCannotStoreAndEverythingWorksAgainOnceSpaceIsBack() throws Exception {
        Path data = dir.resolve("data");
        long acknowledged = 0;
        long lastSequence;
        try (Tmpfs disk = Tmpfs.mount(data, "1m")) {
            Path checkpoints;
            Path jobs;
            Service s = start(data, null);
            {
                for (int i = 0; i < 40; i++) {
                    s.fineTuning().submit("topics", example(i));
                    acknowledged++;
                }
                assertTrue(s.tuner().awaitApplied(Duration.ofSeconds(30)));
                s.tuner().checkpointIfChanged();
                for (int i = 40; i < 45; i++) {
                    s.fineTuning().submit("topics", example(i));
                    acknowledged++;
                }
                assertTrue(s.tuner().awaitApplied(Duration.ofSeconds(30)));
                checkpoints = s.tuner().checkpoints().directory();
                jobs = data.resolve("topics").resolve("jobs");
                Set<String> checkpointFiles = list(checkpoints);

                Path filler = disk.fill();

                // Feedback: the last pages of the log's segment may still take a few records (acknowledged, so counted);
                // then a clear error, nothing acknowledged, nothing queued.
                int i = 100;
                StorageUnavailableException full = null;
                while (full == null && i < 1000) {
                    try {
                        s.fineTuning().submit("topics", example(i++));
                        acknowledged++;
                    } catch (StorageUnavailableException e) {
                        full = e;
                    }
                }
                assertTrue(full != null && full.outOfSpace(), "a full disk refuses feedback: " + full);
                assertTrue(s.tuner().awaitApplied(Duration.ofSeconds(30)));
                long before = s.tuner().acknowledged();
                for (int attempt = 0; attempt < 3; attempt++) {
                    StorageUnavailableException e = assertThrows(StorageUnavailableException.class,
                            () -> s.fineTuning().submit("topics", example(999)));
                    assertTrue(e.outOfSpace(), e.getMessage());
                    assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
                }
                assertEquals(before, s.tuner().acknowledged());
                assertEquals(0, s.tuner().queueDepth());
                // A job: refused, and no half-stored job directory stays behind.
                StorageUnavailableException j = assertThrows(StorageUnavailableException.class,
                        () -> s.job(CrashingJobRunner.jobFile(30)));
                assertTrue(j.outOfSpace(), j.getMessage());
                assertEquals(Set.of(), list(jobs));
                // A checkpoint: fails, keeps the checkpoint in force, leaves no temporary or orphaned model file.
                assertThrows(IOException.class, () -> s.tuner().checkpointIfChanged());
                assertEquals(checkpointFiles, list(checkpoints));
                assertNull(s.tuner().failure(), "fine-tuning is not stopped by a full disk");

                Files.delete(filler);

                lastSequence = s.fineTuning().submit("topics", example(45));
                acknowledged++;
                FineTuneJob job = s.job(CrashingJobRunner.jobFile(30));
                await(() -> job.state() == FineTuneJob.State.SUCCEEDED, "the job after space came back");
                assertTrue(s.tuner().awaitApplied(Duration.ofSeconds(30)));
                s.tuner().checkpointIfChanged();
                assertFalse(list(checkpoints).equals(checkpointFiles), "a new checkpoint");
                lastSequence = s.fineTuning().submit("topics", example(46));
                acknowledged++;
                assertTrue(s.tuner().awaitApplied(Duration.ofSeconds(30)));
                crash(s);   // no final checkpoint: the last example is only in the log
                acknowledged += 30;   // the job's examples
            }
            try (Service restarted = start(data, null)) {
                assertEquals(acknowledged, restarted.model().examplesApplied(), "every acknowledged example, once");
                assertTrue(restarted.model().appliedSequence() >= lastSequence);
            }
        }
    }

    @Test
    void aJobThatMeetsAFullDiskWaitsAndFinishesOnceSpaceIsBack() throws Exception {
        Path data = dir.resolve("data");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch trainingBlocked = new CountDownLatch(1);
        ModelFineTuner.Listener blockFirst = (m, r, depth) -> {
            trainingBlocked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (Tmpfs disk = Tmpfs.mount(data, "1m"); Service s = start(data, blockFirst)) {
            FineTuneJob job = s.job(CrashingJobRunner.jobFile(400));
            assertTrue(trainingBlocked.await(30, TimeUnit.SECONDS));
            // Training is held: the queue fills, the runner waits for room. Fill the disk, then let training go on.
            await(() -> s.tuner().queueDepth() > 16, "a filled queue");
            Path filler = disk.fill();
            release.countDown();
            await(() -> s.tuner().queueDepth() == 0, "the queue drained");
            Thread.sleep(300);   // the runner meets ENOSPC and waits
            assertEquals(FineTuneJob.State.RUNNING, job.state(), "a full disk pauses the job: " + job.status());
            Files.delete(filler);
            await(() -> job.state() == FineTuneJob.State.SUCCEEDED, "the job");
            assertEquals(400, job.status().appliedExamples());
            assertNull(s.tuner().failure());
        }
    }

    @Test
    void readOnlyCheckpointAndJobDirectoriesRefuseCheckpointsAndJobsNotFeedback() throws Exception {
        Path data = dir.resolve("data");
        Path checkpoints = data.resolve("topics").resolve("checkpoints");
        Path jobs = data.resolve("topics").resolve("jobs");
        try (Tmpfs cp = Tmpfs.mount(checkpoints, "1m"); Tmpfs js = Tmpfs.mount(jobs, "1m")) {
            long acknowledged = 0;
            try (Service s = start(data, null)) {
                s.fineTuning().submit("topics", example(1));
                acknowledged++;
                assertTrue(s.tuner().awaitApplied(Duration.ofSeconds(30)));
                cp.remountReadOnly();
                js.remountReadOnly();
                IOException e = assertThrows(IOException.class, () -> s.tuner().checkpointIfChanged());
                assertTrue(String.valueOf(e.getMessage()).contains("Read-only file system"), e.toString());
                StorageUnavailableException j = assertThrows(StorageUnavailableException.class,
                        () -> s.job(CrashingJobRunner.jobFile(10)));
                assertTrue(j.readOnly(), j.getMessage());
                // The log is elsewhere: feedback is still accepted.
                s.fineTuning().submit("topics", example(2));
                acknowledged++;
                assertNull(s.tuner().failure());
                cp.remountWritable();
                js.remountWritable();
                FineTuneJob job = s.job(CrashingJobRunner.jobFile(10));
                await(() -> job.state() == FineTuneJob.State.SUCCEEDED, "the job");
                acknowledged += 10;
                assertTrue(s.tuner().awaitApplied(Duration.ofSeconds(30)));
                s.tuner().checkpointIfChanged();
            }
            try (Service s = start(data, null)) {
                assertEquals(acknowledged, s.model().examplesApplied());
            }
        }
    }

    /**
     * The log's directory read-only: while the log is open the kernel refuses that remount (a segment is open for
     * writing; a failing write there is WriteAheadLogFaultTest's injected fault), so it happens between two runs. The
     * start fails naming the file system's error, nothing is lost, and once writable again the log replays all.
     */
    @Test
    void aReadOnlyLogDirectoryFailsTheStartClearlyAndLosesNothing() throws Exception {
        Path data = dir.resolve("data");
        Path wal = data.resolve("topics").resolve("wal");
        try (Tmpfs logDisk = Tmpfs.mount(wal, "1m")) {
            Service crashed = start(data, null);
            for (int i = 0; i < 10; i++) {
                crashed.fineTuning().submit("topics", example(i));
            }
            crash(crashed);   // the examples are only in the log
            logDisk.remountReadOnly();
            IOException e = assertThrows(IOException.class, () -> start(data, null));
            assertTrue(String.valueOf(e.getMessage()).contains("Read-only file system") || String.valueOf(e).contains("Read-only"),
                    e.toString());
            logDisk.remountWritable();
            try (Service s = start(data, null)) {
                assertEquals(10, s.model().examplesApplied());
            }
        }
    }

    private static Set<String> list(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for: " + what);
            Thread.sleep(5);
        }
    }
}
