package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.checkpoint.CheckpointStore;
import dev.kindling.core.serving.checkpoint.JobIds;
import dev.kindling.core.serving.finetune.FineTuneJob;
import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.serving.finetune.JobRecord;
import dev.kindling.core.serving.finetune.JobStore;
import dev.kindling.core.serving.log.ExampleCodec;
import dev.kindling.core.serving.model.JobPosition;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.io.WriteAheadLog;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.serving.model.ServedModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data directory exactly as a crash at each dangerous instant leaves it, built by hand (stored job,
 * log records, checkpoint), then a start: the job must end with each of its examples applied once. The
 * model counts every applied example ({@code examplesApplied}) and the log numbers every logged one, so
 * "exactly once" is: both equal the number of examples the job and the feedback hold.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobCrashPointsTest {

    private static final int TOTAL = 300;
    /** Small log segments, so trimming after a checkpoint really deletes job records. */
    private static final long SEGMENT = 4096;

    @TempDir
    static Path shared;
    private static Path modelFile;

    @TempDir
    Path dir;
    private Path data;
    private String id;

    @BeforeAll
    static void trainModel() {
        modelFile = TestModels.trainedFile(shared, TrainingArgs.Loss.HS);
    }

    @BeforeEach
    void storeJob() throws IOException {
        data = dir.resolve("data");
        id = JobIds.next();
        List<LabelledExample> examples = new ArrayList<>();
        for (int i = 0; i < TOTAL; i++) {
            examples.add(jobExample(i));
        }
        new JobStore(data.resolve("topics").resolve("jobs"))
                .create(JobRecord.accepted(id, "topics", TOTAL, List.of(), 0).withState(FineTuneJob.State.RUNNING), examples);
    }

    private static LabelledExample jobExample(int i) {
        return LabelledExample.of("crashword" + i + " point topic" + (i % 3), "point" + (i % 3));
    }

    private WriteAheadLog openLog() throws IOException {
        return WriteAheadLog.open(data.resolve("topics").resolve("wal"), SEGMENT);
    }

    /** Logs job examples {@code from..to-1} as the job runner does. */
    private void logJob(WriteAheadLog wal, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            wal.append(ExampleCodec.encode(jobExample(i), new JobPosition(id, i)));
        }
    }

    private void checkpoint(long walSequence, long examplesApplied, Map<String, Long> jobs) throws IOException {
        new CheckpointStore(data.resolve("topics").resolve("checkpoints"))
                .commit(f -> Files.copy(modelFile, f), walSequence, examplesApplied, 7, jobs);
    }

    /** Starts on the crashed directory and waits for the job to end. */
    private ServedModel restartAndFinish(FineTuneJob.State expected, long expectedApplied) throws Exception {
        ModelRegistry registry = new ModelRegistry(CrashingFineTuner.models(modelFile), data, List.of(), null);
        FineTuningSettings props = CrashingFineTuner.fineTuning(data).toBuilder().walSegmentBytes(SEGMENT).build();
        try (FineTuningService service = new FineTuningService(registry, props, null)) {
            FineTuneJob job = service.job(id);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (job.state() == FineTuneJob.State.QUEUED || job.state() == FineTuneJob.State.RUNNING) {
                assertTrue(System.nanoTime() < deadline, () -> "job did not finish: " + job.status());
                Thread.sleep(5);
            }
            assertEquals(expected, job.state(), () -> job.status().toString());
            assertEquals(expectedApplied, job.status().appliedExamples());
            assertTrue(service.tuner("topics").awaitApplied(java.time.Duration.ofSeconds(10)));
        }
        return registry.get("topics");
    }

    private static void assertAppliedOnce(ServedModel m, long logged) {
        assertEquals(logged, m.appliedSequence(), "one log record per example: none logged twice");
        assertEquals(logged, m.examplesApplied(), "each logged example applied once");
    }

    @Test
    void crashAfterLoggingBeforeAnyCheckpoint() throws Exception {
        try (WriteAheadLog wal = openLog()) {
            logJob(wal, 0, 50);
            wal.append(ExampleCodec.encode(CrashingFineTuner.example(1)));   // feedback in between
            logJob(wal, 50, 120);
        }
        assertAppliedOnce(restartAndFinish(FineTuneJob.State.SUCCEEDED, TOTAL), TOTAL + 1);
    }

    @Test
    void crashAfterACheckpointBeforeTheLogWasTrimmed() throws Exception {
        try (WriteAheadLog wal = openLog()) {
            logJob(wal, 0, 200);
        }
        checkpoint(80, 80, Map.of(id, 79L));
        assertAppliedOnce(restartAndFinish(FineTuneJob.State.SUCCEEDED, TOTAL), TOTAL);
    }

    /** The case the checkpoint's job progress is for: the log no longer says how far the job got. */
    @Test
    void crashAfterTheLogWasTrimmed() throws Exception {
        try (WriteAheadLog wal = openLog()) {
            logJob(wal, 0, 200);
            checkpoint(200, 200, Map.of(id, 199L));
            wal.truncateThrough(200);
        }
        assertTrue(segments() < 5, "trimming deleted segments holding job records");
        assertAppliedOnce(restartAndFinish(FineTuneJob.State.SUCCEEDED, TOTAL), TOTAL);
    }

    @Test
    void crashWhileWritingACheckpoint() throws Exception {
        try (WriteAheadLog wal = openLog()) {
            logJob(wal, 0, 150);
        }
        checkpoint(60, 60, Map.of(id, 59L));
        // The next checkpoint's model file was written, the crash came before CURRENT named it.
        Files.copy(modelFile, data.resolve("topics").resolve("checkpoints").resolve("model-00000000000000000150-1.bin"));
        assertAppliedOnce(restartAndFinish(FineTuneJob.State.SUCCEEDED, TOTAL), TOTAL);
    }

    @Test
    void crashWithATornRecordAtTheEndOfTheLog() throws Exception {
        try (WriteAheadLog wal = openLog()) {
            logJob(wal, 0, 90);
        }
        Path last;
        try (Stream<Path> s = Files.list(data.resolve("topics").resolve("wal"))) {
            last = s.sorted().reduce((a, b) -> b).orElseThrow();
        }
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.APPEND)) {
            // Header of example 90 and half its payload: never acknowledged, so the job must log it again.
            ch.write(ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putInt(60).putLong(91).putInt(0x02000000).flip());
        }
        assertAppliedOnce(restartAndFinish(FineTuneJob.State.SUCCEEDED, TOTAL), TOTAL);
    }

    @Test
    void crashAfterTheLastExampleBeforeTheJobWasRecordedAsFinished() throws Exception {
        try (WriteAheadLog wal = openLog()) {
            logJob(wal, 0, TOTAL);
            checkpoint(TOTAL, TOTAL, Map.of(id, TOTAL - 1L));
            wal.truncateThrough(TOTAL);
        }
        assertAppliedOnce(restartAndFinish(FineTuneJob.State.SUCCEEDED, TOTAL), TOTAL);
    }

    @Test
    void crashAfterACancelWasRecorded() throws Exception {
        JobStore store = new JobStore(data.resolve("topics").resolve("jobs"));
        JobRecord r = store.recover("topics").get(0);
        store.save(r.withCancelRequested());
        try (WriteAheadLog wal = openLog()) {
            logJob(wal, 0, 100);
            checkpoint(40, 40, Map.of(id, 39L));
            wal.truncateThrough(40);
        }
        assertAppliedOnce(restartAndFinish(FineTuneJob.State.CANCELLED, 100), 100);
    }

    private long segments() throws IOException {
        try (Stream<Path> s = Files.list(data.resolve("topics").resolve("wal"))) {
            return s.count();
        }
    }
}
