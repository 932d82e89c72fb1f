package dev.kindling.spring.finetune;

import dev.kindling.core.io.DataDirectoryLock;
import dev.kindling.core.io.WriteAheadLog;
import dev.kindling.core.text.BadLine;
import dev.kindling.core.text.LabelledLines;
import dev.kindling.core.text.Tokenizer;
import dev.kindling.spring.model.ModelRegistry;
import dev.kindling.spring.model.ServedModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Online fine-tuning for every model that allows it: feedback examples ({@link #submit}) and batch jobs
 * ({@link #startJob}), both through each model's write-ahead log. Created after the models are loaded;
 * on start it replays what the logs hold beyond each model's last checkpoint, then resumes the jobs that
 * had not finished (see {@link FineTuneJob}).
 */
public final class FineTuningService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FineTuningService.class);

    private final ModelRegistry models;
    private final FineTuningProperties properties;
    /** Held while this service may write the data directory: a second process (or service) on it is refused. */
    private final DataDirectoryLock lock;
    private final Map<String, ModelFineTuner> tuners = new LinkedHashMap<>();
    private final Map<String, JobStore> jobStores = new LinkedHashMap<>();
    private final Map<String, FineTuneJob> jobs = new ConcurrentHashMap<>();
    private final ExecutorService jobRunner = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("kindling-finetune-jobs").factory());
    /** Set on shutdown: the job runner leaves its job unfinished (it resumes on the next start). */
    private volatile boolean stopping;

    public FineTuningService(ModelRegistry models, FineTuningProperties properties, ModelFineTuner.Listener listener) throws IOException {
        properties.validate();
        this.models = models;
        this.properties = properties;
        this.lock = DataDirectoryLock.acquire(models.dataRoot());
        try {
            for (ServedModel m : models.all()) {
                if (!m.settings().isFineTuning()) {
                    continue;
                }
                Path dir = models.dataDirectory(m.name());
                WriteAheadLog wal = ModelLogs.open(m.name(), dir.resolve("wal"), properties);
                try {
                    PoisonRecordQuarantine quarantine = new PoisonRecordQuarantine(dir.resolve("quarantine"), m.name());
                    tuners.put(m.name(), new ModelFineTuner(m, properties, wal, models.checkpointStore(m.name()), quarantine, listener));
                } catch (IOException | RuntimeException e) {
                    wal.close();
                    throw e;
                }
                jobStores.put(m.name(), new JobStore(dir.resolve("jobs")));
            }
            resumeJobs();
        } catch (IOException | RuntimeException e) {
            abandonStart(e);
            throw e;
        }
    }

    /** A failed start leaves no thread running, no log open and the directory unlocked (a retry in this JVM may succeed). */
    private void abandonStart(Exception failure) {
        try {
            halt();
            for (ModelFineTuner t : tuners.values()) {
                t.closeLog();
            }
        } catch (InterruptedException | IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Loads the stored jobs (after the logs were replayed, so each model holds everything that was logged
     * of every job) and queues the unfinished ones, oldest first.
     */
    private void resumeJobs() throws IOException {
        List<FineTuneJob> unfinished = new ArrayList<>();
        for (Map.Entry<String, ModelFineTuner> e : tuners.entrySet()) {
            ModelFineTuner tuner = e.getValue();
            JobStore store = jobStores.get(e.getKey());
            Set<String> active = new HashSet<>();
            for (JobRecord r : store.recover(e.getKey())) {
                FineTuneJob job = newJob(r, tuner, store);
                jobs.put(r.id(), job);
                if (!r.finished()) {
                    unfinished.add(job);
                    active.add(r.id());
                }
            }
            // Progress of jobs that finished (or were set aside) is no longer needed: drop it from later checkpoints.
            for (String id : tuner.model().jobsInProgress()) {
                if (!active.contains(id)) {
                    tuner.forgetJob(id);
                }
            }
        }
        forgetOldJobs(0);
        unfinished.sort(Comparator.comparing((FineTuneJob j) -> j.record().createdAt()).thenComparing(FineTuneJob::id));
        for (FineTuneJob job : unfinished) {
            ModelFineTuner tuner = tuners.get(job.model());
            log.info("model {}: resuming fine-tuning job {} ({} of {} examples in the model{})", job.model(), job.id(),
                    tuner.jobApplied(job.id()), job.total(), job.cancelRequested() ? ", cancel requested" : "");
            jobRunner.submit(() -> run(job, tuner, jobStores.get(job.model())));
        }
    }

    private static FineTuneJob newJob(JobRecord r, ModelFineTuner tuner, JobStore store) {
        return new FineTuneJob(r, store, () -> tuner.jobApplied(r.id()));
    }

    /** The fine-tuner of {@code model}; fails when the model is unknown or does not allow fine-tuning. */
    public ModelFineTuner tuner(String model) {
        ServedModel m = models.get(model);
        ModelFineTuner t = tuners.get(m.name());
        if (t == null) {
            throw new IllegalArgumentException("model '" + model + "' does not accept fine-tuning (kindling.models." + model
                    + ".fine-tuning=false or kindling.fine-tuning.enabled=false)");
        }
        return t;
    }

    public Collection<ModelFineTuner> tuners() {
        return tuners.values();
    }

    /** Durably accepts one labelled example for {@code model}; returns its log sequence. */
    public long submit(String model, LabelledExample example) {
        return tuner(model).submit(example);
    }

    /**
     * Starts a job over fastText-format lines ({@code __label__x text}). The content is read and checked
     * first (at most {@code max-job-bytes}; bad lines are reported with their numbers and skipped);
     * nothing is trained when no line is usable. Returns once the job's examples and record are stored
     * durably: from then on the job runs to its end even if the process dies (it resumes on restart).
     */
    public FineTuneJob startJob(String model, InputStream content) throws IOException {
        ModelFineTuner tuner = tuner(model);
        tuner.checkHealthy();
        String prefix = tuner.model().labelPrefix();
        LabelledLines.Result parsed = LabelledLines.read(new LimitedInputStream(content, properties.getMaxJobBytes()), prefix);
        List<LabelledExample> examples = new ArrayList<>(parsed.lines().size());
        List<BadLine> bad = new ArrayList<>(parsed.badLines());
        for (LabelledLines.Line line : parsed.lines()) {
            List<String> labels = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (String t : line.tokens()) {
                if (t.startsWith(prefix)) {
                    labels.add(t.substring(prefix.length()));
                } else if (!t.equals(Tokenizer.EOS)) {
                    text.append(text.isEmpty() ? "" : " ").append(t);
                }
            }
            try {
                examples.add(new LabelledExample(text.toString(), labels));
            } catch (IllegalArgumentException e) {
                bad.add(new BadLine(line.number(), e.getMessage()));
            }
        }
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("the job file has no usable labelled line (" + bad.size() + " bad lines"
                    + (bad.isEmpty() ? "" : ", first: " + bad.get(0)) + ")");
        }
        if (stopping) {
            throw new IllegalStateException("fine-tuning is shutting down; retry the job later");
        }
        JobRecord record = JobRecord.accepted(JobIds.next(), tuner.model().name(), examples.size(),
                bad.subList(0, Math.min(20, bad.size())), bad.size());
        JobStore store = jobStores.get(tuner.model().name());
        store.create(record, examples);
        FineTuneJob job = newJob(record, tuner, store);
        forgetOldJobs(1);
        jobs.put(job.id(), job);
        try {
            jobRunner.submit(() -> run(job, tuner, store));
        } catch (RejectedExecutionException e) {
            log.info("model {}: fine-tuning job {} is stored and starts after the restart (shutting down)", job.model(), job.id());
        }
        return job;
    }

    private void run(FineTuneJob job, ModelFineTuner tuner, JobStore store) {
        if (stopping) {
            return;
        }
        String id = job.id();
        try {
            if (job.finishedDurably()) {   // cancelled while it was queued
                cleanUp(job, tuner, store);
                return;
            }
            if (job.cancelRequested()) {   // cancelled while it ran before a restart: what reached the log is in the model
                finish(job, tuner, store, FineTuneJob.State.CANCELLED, null);
                return;
            }
            long total = job.total();
            long resumeAt = tuner.jobApplied(id);
            List<LabelledExample> examples;
            try {
                examples = store.examples(id);
                if (examples.size() != total) {
                    throw new JobFormatException("the stored examples of job " + id + " number " + examples.size() + ", its record says "
                            + total);
                }
                if (resumeAt > total) {
                    throw new JobFormatException("the model holds " + resumeAt + " examples of job " + id + ", which has only " + total);
                }
            } catch (IOException e) {
                log.error("model {}: fine-tuning job {} cannot go on: {}", job.model(), id, e.getMessage());
                finish(job, tuner, store, FineTuneJob.State.FAILED, "the job's stored data cannot be used: " + e.getMessage());
                return;
            }
            job.started(resumeAt);
            // A few batches ahead of training keep it busy. Bounded so that a big job neither turns live feedback
            // away (429: at most half the queue) nor puts thousands of examples ahead of it (fine-tuning lag).
            long inFlightLimit = Math.max(properties.getBatchSize(),
                    Math.min(properties.getQueueCapacity() / 2, 16L * properties.getBatchSize()));
            long next = resumeAt;
            while (next < total && !job.cancelRequested() && !stopping) {
                if (next - tuner.jobApplied(id) >= inFlightLimit) {
                    Thread.sleep(2);
                    continue;
                }
                // Offered in index order by this one thread, so the model always holds a prefix of the job.
                if (tuner.offerJobExample(examples.get((int) next), new JobPosition(id, next), Duration.ofMillis(200)) < 0) {
                    continue;   // queue full: nothing was logged, offer the same example again
                }
                next++;
                job.submittedUpTo(next);
            }
            examples = null;
            while (tuner.jobApplied(id) < next && tuner.failure() == null && !stopping) {
                job.lossSeen(tuner.lastLoss());
                Thread.sleep(10);
            }
            if (tuner.failure() != null) {
                job.stoppedBy("fine-tuning failed: " + tuner.failure());
            } else if (!stopping) {
                job.lossSeen(tuner.lastLoss());
                finish(job, tuner, store, job.cancelRequested() ? FineTuneJob.State.CANCELLED : FineTuneJob.State.SUCCEEDED, null);
            }
            // When stopping, the job stays unfinished on disk and resumes on the next start.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            job.stoppedBy("interrupted");
        } catch (RuntimeException e) {
            log.warn("fine-tuning job {} stopped", id, e);
            job.stoppedBy(String.valueOf(e.getMessage()));
        }
    }

    private void finish(FineTuneJob job, ModelFineTuner tuner, JobStore store, FineTuneJob.State end, String error) {
        job.finish(end, error);
        cleanUp(job, tuner, store);
    }

    /** After a job's end is stored: its progress and examples are no longer needed. */
    private void cleanUp(FineTuneJob job, ModelFineTuner tuner, JobStore store) {
        tuner.forgetJob(job.id());
        try {
            store.dropExamples(job.id());
        } catch (IOException e) {
            log.warn("model {}: could not delete the examples of finished job {} (deleted on the next start): {}", job.model(), job.id(),
                    e.getMessage());
        }
    }

    public FineTuneJob job(String id) {
        FineTuneJob j = id == null ? null : jobs.get(id);
        if (j == null) {
            throw new UnknownJobException(id);
        }
        return j;
    }

    /**
     * Keeps at most {@code finished-jobs-kept} jobs, counting {@code room} about to be added, by forgetting
     * the oldest finished ones (their files too). Unfinished jobs are never forgotten.
     */
    private synchronized void forgetOldJobs(int room) {
        int keep = properties.getFinishedJobsKept();
        int excess = jobs.size() + room - keep;
        if (excess <= 0) {
            return;
        }
        List<FineTuneJob> old = jobs.values().stream()
                .filter(FineTuneJob::finishedDurably)
                .sorted(Comparator.comparing((FineTuneJob j) -> j.record().createdAt()).thenComparing(FineTuneJob::id))
                .limit(excess)
                .toList();
        for (FineTuneJob j : old) {
            jobs.remove(j.id());
            try {
                jobStores.get(j.model()).delete(j.id());
            } catch (IOException e) {
                log.warn("model {}: could not delete forgotten job {}: {}", j.model(), j.id(), e.getMessage());
            }
        }
    }

    /**
     * Stops: the job runner leaves its job unfinished (stored, it resumes on the next start), each model
     * trains what was logged, is checkpointed and closes its log.
     */
    @Override
    public void close() throws IOException {
        stopRunner();
        IOException first = null;
        for (ModelFineTuner t : tuners.values()) {
            try {
                t.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        lock.close();
        if (first != null) {
            throw first;
        }
    }

    /**
     * Stops like a crash would: no training of the queue, no checkpoint, logs left open; the directory lock
     * is released, as the OS releases a dead process's locks (tests).
     */
    void halt() throws InterruptedException {
        stopRunner();
        try {
            for (ModelFineTuner t : tuners.values()) {
                t.halt();
            }
        } finally {
            try {
                lock.close();
            } catch (IOException e) {
                log.warn("could not release the lock of {}: {}", lock.directory(), e.getMessage());
            }
        }
    }

    private void stopRunner() {
        stopping = true;
        jobRunner.shutdown();
        try {
            if (!jobRunner.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("the fine-tuning job runner did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
