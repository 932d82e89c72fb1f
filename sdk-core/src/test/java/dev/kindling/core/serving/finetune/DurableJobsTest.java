package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.checkpoint.JobIds;
import dev.kindling.core.serving.finetune.FineTuneJob;
import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.serving.finetune.JobRecord;
import dev.kindling.core.serving.finetune.JobStore;
import dev.kindling.core.serving.finetune.ModelFineTuner;
import dev.kindling.core.serving.finetune.UnknownJobException;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.serving.model.ServedModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jobs across restarts of the service in this JVM: status and bad lines stay queryable, an unfinished job
 * resumes and ends with each example applied once, a cancel is durable, damaged job directories are set
 * aside without stopping the start, and the bound on kept jobs deletes the forgotten jobs' files.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DurableJobsTest {

    @TempDir
    static Path shared;
    private static Path modelFile;

    @TempDir
    Path dir;
    private Path data;
    private Path jobsDir;

    @BeforeAll
    static void trainModel() {
        modelFile = TestModels.trainedFile(shared, TrainingArgs.Loss.HS);
    }

    @BeforeEach
    void paths() {
        data = dir.resolve("data");
        jobsDir = data.resolve("topics").resolve("jobs");
    }

    /** A fine-tuning service over the data directory; {@code slow} makes each update take at least 2 ms. */
    private Service start(boolean slow) throws IOException {
        return start(slow, 1000);
    }

    private Service start(boolean slow, int kept) throws IOException {
        ModelRegistry registry = new ModelRegistry(CrashingFineTuner.models(modelFile), data, List.of(), null);
        FineTuningSettings props = CrashingJobRunner.fineTuning(data).toBuilder().finishedJobsKept(kept).build();
        ModelFineTuner.Listener listener = slow ? (m, r, depth) -> sleep(2) : null;
        return new Service(registry, new FineTuningService(registry, props, listener));
    }

    private record Service(ModelRegistry registry, FineTuningService fineTuning) implements AutoCloseable {
        ServedModel model() {
            return registry.get("topics");
        }

        FineTuneJob submitJob(String content) throws IOException {
            return fineTuning.startJob("topics", new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public void close() throws IOException {
            fineTuning.close();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for: " + what);
            Thread.sleep(5);
        }
    }

    private static void awaitEnd(FineTuneJob job) throws InterruptedException {
        await(() -> job.state() != FineTuneJob.State.QUEUED && job.state() != FineTuneJob.State.RUNNING, "end of job " + job.id());
    }

    private JobRecord storedRecord(String id) throws IOException {
        Path f = jobsDir.resolve(id).resolve(JobStore.RECORD);
        return JobRecord.decode(Files.readAllBytes(f), f.toString());
    }

    @Test
    void statusAndBadLinesSurviveARestart() throws Exception {
        String id;
        FineTuneJob.Status before;
        long applied;
        try (Service s = start(false)) {
            FineTuneJob job = s.submitJob(CrashingJobRunner.jobFile(200));
            id = job.id();
            assertTrue(Files.isRegularFile(jobsDir.resolve(id).resolve(JobStore.EXAMPLES)), "stored before startJob returns");
            assertTrue(Files.isRegularFile(jobsDir.resolve(id).resolve(JobStore.RECORD)));
            awaitEnd(job);
            before = job.status();
            applied = s.model().examplesApplied();
        }
        assertEquals(FineTuneJob.State.SUCCEEDED, before.state());
        assertEquals(200, before.appliedExamples());
        assertFalse(Files.exists(jobsDir.resolve(id).resolve(JobStore.EXAMPLES)), "a finished job's examples are deleted");
        try (Service s = start(false)) {
            FineTuneJob.Status after = s.fineTuning().job(id).status();
            assertEquals(FineTuneJob.State.SUCCEEDED, after.state());
            assertEquals(200, after.totalExamples());
            assertEquals(200, after.appliedExamples());
            assertEquals(200, after.submittedExamples());
            assertEquals(1.0, after.progress(), 1e-12);
            assertEquals(before.badLines(), after.badLines());
            assertEquals(2, after.badLineCount());
            assertEquals(before.createdAt(), after.createdAt());
            assertEquals(before.finishedAt(), after.finishedAt());
            assertEquals(before.loss(), after.loss(), 1e-12);
            assertEquals(applied, s.model().examplesApplied(), "a finished job is not trained again");
            assertFalse(s.fineTuning().job(id).cancel(), "a finished job cannot be cancelled");
        }
    }

    @Test
    void anUnfinishedJobResumesAfterAShutdownAndEndsWithEachExampleOnce() throws Exception {
        String id;
        try (Service s = start(true)) {
            FineTuneJob job = s.submitJob(CrashingJobRunner.jobFile(2000));
            id = job.id();
            await(() -> job.status().appliedExamples() >= 100, "100 examples applied");
        }
        JobRecord stored = storedRecord(id);
        assertEquals(FineTuneJob.State.RUNNING, stored.state(), "a shutdown leaves the job to be resumed, not cancelled");
        try (Service s = start(false)) {
            FineTuneJob job = s.fineTuning().job(id);
            assertTrue(job.status().appliedExamples() >= 100, "progress survives: " + job.status());
            awaitEnd(job);
            assertEquals(FineTuneJob.State.SUCCEEDED, job.state(), () -> job.status().toString());
            assertEquals(2000, job.status().appliedExamples());
            assertTrue(s.fineTuning().tuner("topics").awaitApplied(Duration.ofSeconds(10)));
            assertEquals(2000, s.model().examplesApplied(), "each example applied once");
            assertEquals(2000, s.model().appliedSequence(), "each example logged once");
        }
    }

    @Test
    void aCancelAfterARestartIsKeptAcrossTheNextOne() throws Exception {
        String id;
        try (Service s = start(true)) {
            FineTuneJob job = s.submitJob(CrashingJobRunner.jobFile(3000));
            id = job.id();
            await(() -> job.status().appliedExamples() >= 50, "50 examples applied");
        }
        long cancelledAt;
        try (Service s = start(true)) {
            FineTuneJob job = s.fineTuning().job(id);
            await(() -> job.state() == FineTuneJob.State.RUNNING && job.status().appliedExamples() >= 150, "resumed");
            assertTrue(job.cancel());
            awaitEnd(job);
            assertEquals(FineTuneJob.State.CANCELLED, job.state());
            cancelledAt = job.status().appliedExamples();
            assertTrue(cancelledAt < 3000, "cancelled before the end: " + cancelledAt);
            assertTrue(s.fineTuning().tuner("topics").awaitApplied(Duration.ofSeconds(10)));
            assertEquals(cancelledAt, s.model().examplesApplied(), "what the job submitted before the cancel is applied, once");
        }
        try (Service s = start(false)) {
            FineTuneJob.Status st = s.fineTuning().job(id).status();
            assertEquals(FineTuneJob.State.CANCELLED, st.state());
            assertEquals(cancelledAt, st.appliedExamples());
            assertEquals(cancelledAt, s.model().examplesApplied(), "a cancelled job does not resume");
        }
    }

    @Test
    void aCancelIsDurableBeforeItIsAnswered() throws Exception {
        String running;
        String queued;
        Service s = start(true);
        FineTuneJob first = s.submitJob(CrashingJobRunner.jobFile(3000));
        FineTuneJob second = s.submitJob(CrashingJobRunner.jobFile(100));
        running = first.id();
        queued = second.id();
        await(() -> first.status().appliedExamples() >= 50, "50 examples applied");
        assertEquals(FineTuneJob.State.QUEUED, second.state());
        assertTrue(second.cancel());
        assertEquals(FineTuneJob.State.CANCELLED, second.state(), "a queued job is cancelled at once");
        assertTrue(first.cancel());
        assertTrue(storedRecord(running).cancelRequested(), "stored before cancel() returned");
        s.fineTuning().halt();   // a crash before the runner saw the cancel
        try (Service again = start(false)) {
            FineTuneJob job = again.fineTuning().job(running);
            awaitEnd(job);
            assertEquals(FineTuneJob.State.CANCELLED, job.state());
            long applied = job.status().appliedExamples();
            assertTrue(applied < 3000);
            assertEquals(applied, again.model().examplesApplied(), "nothing submitted after the cancel");
            assertEquals(FineTuneJob.State.CANCELLED, again.fineTuning().job(queued).state());
            assertEquals(0, again.fineTuning().job(queued).status().appliedExamples());
        }
    }

    @Test
    void damagedJobDirectoriesAreSetAsideAndTheServiceStarts() throws Exception {
        List<LabelledExample> examples = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            examples.add(LabelledExample.of("damage word" + i, "dmg" + (i % 2)));
        }
        JobStore store = new JobStore(jobsDir);
        // 1. A crash in the middle of accepting a job: half an upload in the staging directory.
        String incoming = JobIds.next();
        Files.createDirectories(jobsDir.resolve(".incoming-" + incoming));
        Files.write(jobsDir.resolve(".incoming-" + incoming).resolve(JobStore.EXAMPLES), new byte[] {'K', 'J'});
        // 2. A job whose record is torn (cut in the middle).
        String torn = JobIds.next();
        store.create(JobRecord.accepted(torn, "topics", 20, List.of(), 0), examples);
        Path tornRecord = jobsDir.resolve(torn).resolve(JobStore.RECORD);
        byte[] full = Files.readAllBytes(tornRecord);
        Files.write(tornRecord, java.util.Arrays.copyOf(full, full.length / 2));
        // 3. A running job whose examples file is damaged.
        String damaged = JobIds.next();
        store.create(JobRecord.accepted(damaged, "topics", 20, List.of(), 0).withState(FineTuneJob.State.RUNNING), examples);
        Path damagedExamples = jobsDir.resolve(damaged).resolve(JobStore.EXAMPLES);
        byte[] ex = Files.readAllBytes(damagedExamples);
        ex[ex.length / 2] ^= 0x55;
        Files.write(damagedExamples, ex);
        // 4. A job whose examples file is missing.
        String missing = JobIds.next();
        store.create(JobRecord.accepted(missing, "topics", 20, List.of(), 0), examples);
        Files.delete(jobsDir.resolve(missing).resolve(JobStore.EXAMPLES));
        // 5. A good job with the temporary file of an interrupted record write beside its record.
        String good = JobIds.next();
        store.create(JobRecord.accepted(good, "topics", 20, List.of(), 0), examples);
        Files.write(jobsDir.resolve(good).resolve(".job.properties.tmp-1234"), new byte[] {1, 2, 3});
        // 6. Something else.
        Files.writeString(jobsDir.resolve("notes.txt"), "not a job");

        try (Service s = start(false)) {
            FineTuningService ft = s.fineTuning();
            assertFalse(Files.exists(jobsDir.resolve(".incoming-" + incoming)), "the half upload is removed");
            assertThrows(UnknownJobException.class, () -> ft.job(torn));
            assertTrue(Files.isDirectory(jobsDir.resolve(torn + JobStore.CORRUPT)), "the torn job is set aside for inspection");
            assertFalse(Files.exists(jobsDir.resolve(torn)));
            FineTuneJob d = ft.job(damaged);
            awaitEnd(d);
            assertEquals(FineTuneJob.State.FAILED, d.state());
            assertTrue(d.status().error().contains("damaged"), d.status().error());
            assertEquals(FineTuneJob.State.FAILED, storedRecord(damaged).state(), "the failure is recorded");
            FineTuneJob m = ft.job(missing);
            awaitEnd(m);
            assertEquals(FineTuneJob.State.FAILED, m.state());
            assertTrue(m.status().error().contains("missing"), m.status().error());
            FineTuneJob g = ft.job(good);
            awaitEnd(g);
            assertEquals(FineTuneJob.State.SUCCEEDED, g.state());
            assertFalse(Files.exists(jobsDir.resolve(good).resolve(".job.properties.tmp-1234")));
            assertTrue(ft.tuner("topics").awaitApplied(Duration.ofSeconds(10)));
            assertEquals(20, s.model().examplesApplied(), "only the good job was trained");
            // New jobs still work.
            FineTuneJob fresh = s.submitJob(CrashingJobRunner.jobFile(30));
            awaitEnd(fresh);
            assertEquals(FineTuneJob.State.SUCCEEDED, fresh.state());
        }
        try (Service s = start(false)) {   // and the next start is quiet about them
            assertEquals(FineTuneJob.State.FAILED, s.fineTuning().job(damaged).state());
            assertEquals(50, s.model().examplesApplied());
        }
    }

    @Test
    void forgottenJobsAreDeletedWithTheirFiles() throws Exception {
        List<String> ids = new ArrayList<>();
        try (Service s = start(false, 3)) {
            for (int i = 0; i < 5; i++) {
                FineTuneJob job = s.submitJob(CrashingJobRunner.jobFile(10));
                ids.add(job.id());
                awaitEnd(job);
                Thread.sleep(2);   // distinct creation times
            }
            for (int i = 0; i < 2; i++) {
                String forgotten = ids.get(i);
                assertThrows(UnknownJobException.class, () -> s.fineTuning().job(forgotten));
                assertFalse(Files.exists(jobsDir.resolve(forgotten)), "a forgotten job's files are deleted");
            }
            for (int i = 2; i < 5; i++) {
                assertEquals(FineTuneJob.State.SUCCEEDED, s.fineTuning().job(ids.get(i)).state());
            }
        }
        assertEquals(3, jobDirectories());
        try (Service s = start(false, 2)) {   // a smaller bound applies at start
            assertThrows(UnknownJobException.class, () -> s.fineTuning().job(ids.get(2)));
            assertEquals(FineTuneJob.State.SUCCEEDED, s.fineTuning().job(ids.get(4)).state());
        }
        assertEquals(2, jobDirectories());
    }

    @Test
    void unfinishedJobsAreNeverForgotten() throws Exception {
        try (Service s = start(true, 1)) {
            FineTuneJob running = s.submitJob(CrashingJobRunner.jobFile(2000));
            FineTuneJob queued = s.submitJob(CrashingJobRunner.jobFile(10));
            assertEquals(running.id(), s.fineTuning().job(running.id()).id());
            assertEquals(queued.id(), s.fineTuning().job(queued.id()).id());
            assertEquals(2, jobDirectories());
        }
    }

    private long jobDirectories() throws IOException {
        try (Stream<Path> s = Files.list(jobsDir)) {
            return s.filter(p -> JobIds.isValid(p.getFileName().toString())).count();
        }
    }
}
