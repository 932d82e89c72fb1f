package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.finetune.FineTuneJob;
import dev.kindling.core.serving.finetune.FineTuningService;
import dev.kindling.core.serving.finetune.JobRecord;
import dev.kindling.core.serving.finetune.JobStore;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.core.serving.TestModels;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.serving.model.ServedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills a process with SIGKILL in the middle of a fine-tuning job, three times (each restart resumes the
 * job and is killed again), while checkpoints and log trimming run every 150 ms, then restarts in this
 * JVM and lets the job finish. Counts exactly: every job example and every acknowledged feedback example
 * is in the model once — none lost, none applied twice — and the job's status survived.
 */
class JobCrashRecoveryTest {

    private static final int JOB_EXAMPLES = 5000;
    private static final int FEEDBACK = 150;

    @TempDir
    Path dir;

    /** What a child printed before it was killed. */
    private record ChildRun(String jobId, int acks, boolean feedbackDone, long appliedAtKill, String stateAtKill) {
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aKilledJobResumesAndEveryExampleIsAppliedExactlyOnce() throws Exception {
        Path model = TestModels.trainedFile(dir, TrainingArgs.Loss.HS);
        Path data = dir.resolve("data");
        Path current = data.resolve("topics").resolve("checkpoints").resolve("CURRENT");

        ChildRun first = runAndKill(data, model, List.of("start", Integer.toString(JOB_EXAMPLES), Integer.toString(FEEDBACK)),
                JOB_EXAMPLES / 5, current);
        assertNotNull(first.jobId(), "the child should have accepted a job");
        assertTrue(first.feedbackDone(), "all feedback was acknowledged before the kill");
        assertEquals(FEEDBACK, first.acks());
        String id = first.jobId();
        List<ChildRun> runs = new ArrayList<>(List.of(first));
        runs.add(runAndKill(data, model, List.of("resume", id), 2L * JOB_EXAMPLES / 5, current));
        runs.add(runAndKill(data, model, List.of("resume", id), 3L * JOB_EXAMPLES / 5, current));
        for (ChildRun r : runs) {
            System.out.printf("job crash test: killed at %d of %d job examples applied (%s)%n", r.appliedAtKill(), JOB_EXAMPLES, r.stateAtKill());
            assertEquals("RUNNING", r.stateAtKill(), "each kill should land in the middle of the job");
        }
        Path record = data.resolve("topics").resolve("jobs").resolve(id).resolve(JobStore.RECORD);
        JobRecord stored = JobRecord.decode(Files.readAllBytes(record), record.toString());
        assertEquals(FineTuneJob.State.RUNNING, stored.state(), "the last kill left the job unfinished on disk");

        ModelRegistry registry = new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null);
        ServedModel m = registry.get("topics");
        assertTrue(m.jobProgress(id) < JOB_EXAMPLES - 1, "the checkpoint holds part of the job: " + m.jobProgress(id));
        try (FineTuningService service = new FineTuningService(registry, CrashingJobRunner.fineTuning(data), null)) {
            FineTuneJob job = service.job(id);
            FineTuneJob.Status s = job.status();
            assertEquals(JOB_EXAMPLES, s.totalExamples());
            assertEquals(2, s.badLineCount(), "bad lines survive the crashes");
            assertEquals(List.of(3L, 7L), s.badLines().stream().map(b -> b.lineNumber()).toList());
            awaitEnd(job);
            s = job.status();
            assertEquals(FineTuneJob.State.SUCCEEDED, s.state(), s::toString);
            assertEquals(JOB_EXAMPLES, s.appliedExamples());
            assertEquals(1.0, s.progress(), 1e-12);
            // Exactly once: the log holds one record per job example and per feedback example, and the model
            // applied each record once (every feedback example was acknowledged before the first kill).
            assertEquals(FEEDBACK + JOB_EXAMPLES, m.examplesApplied(), "every example applied exactly once");
            assertEquals(FEEDBACK + JOB_EXAMPLES, m.appliedSequence(), "no example logged twice, none lost");
            for (int i = 0; i < 5; i++) {
                assertTrue(m.classifier().dictionary().labelId("__label__job" + i) >= 0, "label job" + i + " learned from the job");
            }
            service.tuner("topics").checkpointIfChanged();
            assertEquals(java.util.Map.of(), registry.checkpointStore("topics").current().orElseThrow().jobProgress(),
                    "a finished job's progress leaves the checkpoints");
            assertFalse(Files.exists(record.resolveSibling(JobStore.EXAMPLES)), "a finished job's examples are deleted");
        }

        // One more (clean) restart: the finished job stays finished and queryable, nothing is trained again.
        ModelRegistry again = new ModelRegistry(CrashingFineTuner.models(model), data, List.of(), null);
        try (FineTuningService service = new FineTuningService(again, CrashingJobRunner.fineTuning(data), null)) {
            FineTuneJob.Status s = service.job(id).status();
            assertEquals(FineTuneJob.State.SUCCEEDED, s.state());
            assertEquals(JOB_EXAMPLES, s.appliedExamples());
            assertEquals(FEEDBACK + JOB_EXAMPLES, again.get("topics").examplesApplied());
        }
    }

    private static void awaitEnd(FineTuneJob job) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (job.state() == FineTuneJob.State.QUEUED || job.state() == FineTuneJob.State.RUNNING) {
            assertTrue(System.nanoTime() < deadline, () -> "job did not finish: " + job.status());
            Thread.sleep(10);
        }
    }

    /**
     * Runs the child and SIGKILLs it once the job has {@code killAt} examples in the model and the child has
     * written a checkpoint (so the log was trimmed too, and the job's progress must come from the checkpoint).
     */
    private static ChildRun runAndKill(Path data, Path model, List<String> args, long killAt, Path current) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), CrashingJobRunner.class.getName(), data.toString(), model.toString()));
        cmd.addAll(args);
        long startedMillis = System.currentTimeMillis();
        Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        // Reading the child's output does not respond to the test timeout: a watchdog kills a child that stalls.
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            try {
                if (!child.waitFor(90, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            } catch (InterruptedException e) {
                child.destroyForcibly();
            }
        });
        String jobId = null;
        int acks = 0;
        boolean feedbackDone = false;
        long applied = -1;
        String state = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("JOB ")) {
                    jobId = line.substring(4);
                } else if (line.startsWith("ACK ")) {
                    acks++;
                } else if (line.equals("FEEDBACK DONE")) {
                    feedbackDone = true;
                } else if (line.startsWith("APPLIED ")) {
                    String[] f = line.split(" ");
                    applied = Long.parseLong(f[1]);
                    state = f[2];
                    if (!state.equals("QUEUED") && !state.equals("RUNNING")) {
                        child.toHandle().destroyForcibly();
                        break;   // the job ended (or failed) in the child before the kill: reported below
                    }
                    if (applied >= killAt && Files.exists(current) && Files.getLastModifiedTime(current).toMillis() > startedMillis) {
                        child.toHandle().destroyForcibly();   // SIGKILL: no shutdown hook, no final checkpoint
                        break;
                    }
                }
            }
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child should be dead");
        } finally {
            child.destroyForcibly();
            watchdog.interrupt();
        }
        assertTrue(applied >= killAt && "RUNNING".equals(state), "the child should be killed in the middle of the job, at "
                + killAt + " examples or more; it had " + applied + " in state " + state + " (exit " + child.exitValue() + ")");
        return new ChildRun(jobId, acks, feedbackDone, applied, state);
    }
}
