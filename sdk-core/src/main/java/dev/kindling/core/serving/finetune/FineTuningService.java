package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.checkpoint.JobIds;
import dev.kindling.core.io.DataDirectoryLock;
import dev.kindling.core.serving.guard.AuditAction;
import dev.kindling.core.serving.guard.AuditRecord;
import dev.kindling.core.serving.guard.GateListener;
import dev.kindling.core.serving.guard.JobScreening;
import dev.kindling.core.serving.guard.LabelAdmission;
import dev.kindling.core.serving.guard.LogAfterRollback;
import dev.kindling.core.serving.guard.ModelGuard;
import dev.kindling.core.serving.guard.RequestOrigin;
import dev.kindling.core.serving.guard.RollbackResult;
import dev.kindling.core.serving.log.PoisonRecordQuarantine;
import dev.kindling.core.serving.log.UpdateLog;
import dev.kindling.core.serving.log.UpdateLogFactory;
import dev.kindling.core.serving.log.FleetLog;
import dev.kindling.core.serving.log.FleetLogFactory;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.model.RequestLimits;
import dev.kindling.core.text.BadLine;
import dev.kindling.core.text.LabelledLines;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.serving.model.ServedModel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
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

    private static final System.Logger log = System.getLogger(FineTuningService.class.getName());

    private final ModelRegistry models;
    private final FineTuningSettings settings;
    /** Held while this service may write the data directory: a second process (or service) on it is refused. */
    private final DataDirectoryLock lock;
    private final Map<String, ModelFineTuner> tuners = new LinkedHashMap<>();
    private final Map<String, JobStore> jobStores = new LinkedHashMap<>();
    private final Map<String, FineTuneJob> jobs = new ConcurrentHashMap<>();
    private final JobRunner jobRunner;
    private final RequestLimits limits;
    /** Jobs of the models that learn in a fleet (null: none does). */
    private final FleetJobs fleetJobs;
    private final InstantSource clock;

    /** {@link #FineTuningService(ModelRegistry, FineTuningSettings, UpdateLogFactory, ModelFineTuner.Listener)} with local logs. */
    public FineTuningService(ModelRegistry models, FineTuningSettings settings, ModelFineTuner.Listener listener) throws IOException {
        this(models, settings, UpdateLogFactory.local(settings.walSegmentBytes(), settings::approvedTruncation), listener,
                RequestLimits.DEFAULT);
    }

    /**
     * Starts fine-tuning every model of {@code models} whose settings allow it: takes the data directory's lock,
     * opens each model's update log through {@code logs}, replays it, then resumes unfinished jobs.
     *
     * @param listener told about every applied update (metrics); may be null
     */
    public FineTuningService(ModelRegistry models, FineTuningSettings settings, UpdateLogFactory logs, ModelFineTuner.Listener listener,
                             RequestLimits limits) throws IOException {
        this(models, settings, logs, null, Duration.ZERO, listener, limits, null, InstantSource.system());
    }

    /**
     * Starts fine-tuning as above. With {@code fleetLogs} (may be null) every fine-tuned model learns as one replica of
     * a fleet through the log it opens instead of a local write-ahead log, waiting up to {@code catchUp} at start to
     * hold the fleet's model (guardrails do not apply to fleet replicas yet). Each local model's guardrails
     * ({@link FineTuningSettings#forModel}) report gate changes to {@code gateListener} (may be null) and read time from
     * {@code clock} (label caps, audit records, kept versions).
     */
    public FineTuningService(ModelRegistry models, FineTuningSettings settings, UpdateLogFactory logs, FleetLogFactory fleetLogs,
                             Duration catchUp, ModelFineTuner.Listener listener, RequestLimits limits, GateListener gateListener,
                             InstantSource clock) throws IOException {
        this.models = models;
        this.limits = limits;
        this.clock = clock;
        this.settings = settings;
        this.jobRunner = new JobRunner(settings);
        this.lock = DataDirectoryLock.acquire(models.dataRoot());
        try {
            for (ServedModel m : models.all()) {
                if (!m.settings().fineTuning()) {
                    continue;
                }
                Path dir = models.dataDirectory(m.name());
                if (fleetLogs != null) {
                    FleetLog fleet = fleetLogs.open(m.name());
                    try {
                        tuners.put(m.name(), new ModelFineTuner(m, settings, fleet, new PoisonRecordQuarantine(dir.resolve("quarantine"), m.name()), listener,
                                job -> FleetJobs.cancelled(fleet, job), catchUp));
                    } catch (RuntimeException e) {
                        fleet.close();
                        throw e;
                    }
                    continue;
                }
                UpdateLog wal = logs.open(m.name(), dir);
                ModelGuard guard = null;
                try {
                    FineTuningSettings own = settings.forModel(m.name());
                    guard = ModelGuard.open(m, own.guardrails(), dir, gateListener, clock);
                    PoisonRecordQuarantine quarantine = new PoisonRecordQuarantine(dir.resolve("quarantine"), m.name());
                    tuners.put(m.name(), new ModelFineTuner(m, own, wal, models.checkpointStore(m.name()), quarantine, listener, guard));
                } catch (IOException | RuntimeException e) {
                    wal.close();
                    if (guard != null) {
                        guard.close();
                    }
                    throw e;
                }
                jobStores.put(m.name(), new JobStore(dir.resolve("jobs")));
            }
            this.fleetJobs = fleetLogs != null ? new FleetJobs(tuners) : null;
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
            if (store == null) {
                continue;   // a fleet's jobs live in its log
            }
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
            log.log(System.Logger.Level.INFO, "model " + job.model() + ": resuming fine-tuning job " + job.id() + " (" + tuner.jobApplied(job.id()) + " of " + job.total() + " examples in the model" + (job.cancelRequested() ? ", cancel requested" : "") + ")");
            jobRunner.submit(job, tuner, jobStores.get(job.model()));
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
            throw new FineTuningDisabledException("model '" + model + "' does not accept fine-tuning (its settings turn fine-tuning off)");
        }
        return t;
    }

    public Collection<ModelFineTuner> tuners() {
        return tuners.values();
    }

    /** Durably accepts one labelled example for {@code model}; returns its log sequence. */
    public long submit(String model, LabelledExample example) {
        return submit(model, example, RequestOrigin.LOCAL);
    }

    /**
     * Durably accepts one labelled example for {@code model} from {@code origin}: the label policy checks it first (nothing
     * is logged when it refuses), the acceptance is audited. Returns its log sequence.
     *
     * @throws dev.kindling.core.serving.guard.LabelRefusedException when the model's label policy refuses a label
     */
    public long submit(String model, LabelledExample example, RequestOrigin origin) {
        return submit(model, example, origin, null);
    }

    /**
     * {@link #submit(String, LabelledExample, RequestOrigin)} for an example the label policy admitted already
     * ({@link #admit}, e.g. in the caller's thread before the append runs on another); null admits it here.
     */
    public long submit(String model, LabelledExample example, RequestOrigin origin, LabelAdmission admitted) {
        if (example.text().length() > limits.maxTextChars()) {
            if (admitted != null) {
                admitted.release();
            }
            throw new PayloadTooLargeException("text has " + example.text().length() + " characters; the limit is " + limits.maxTextChars());
        }
        ModelFineTuner tuner = tuner(model);
        ModelGuard guard = tuner.guard();
        LabelAdmission admission = admitted != null || guard == null ? admitted : guard.admitFeedback(example);
        long seq;
        try {
            seq = tuner.submit(example);
        } catch (RuntimeException e) {
            if (admission != null) {
                admission.release();
            }
            throw e;
        }
        if (guard != null) {
            guard.audit(new AuditRecord(clock.instant(), AuditAction.FEEDBACK, origin.keyId(), origin.remoteAddress(), 1, "sequence " + seq,
                    "labels " + String.join(",", example.labels()) + (admission == null || admission.newLabels().isEmpty() ? "" : "; new labels "
                    + String.join(",", admission.newLabels()))));
        }
        return seq;
    }

    /**
     * Checks {@code example}'s labels against {@code model}'s label policy now (refusing with a
     * {@link dev.kindling.core.serving.guard.LabelRefusedException}) and counts them; hand the admission to
     * {@link #submit(String, LabelledExample, RequestOrigin, LabelAdmission)}, which releases it if the example is not logged.
     * Null when the model has no guardrails.
     */
    public LabelAdmission admit(String model, LabelledExample example) {
        ModelGuard guard = tuner(model).guard();
        return guard == null ? null : guard.admitFeedback(example);
    }

    /** The guardrails of {@code model} (label policy, gate, kept versions, audit trail); fails when it does not fine-tune. */
    public ModelGuard guard(String model) {
        ModelGuard g = tuner(model).guard();
        if (g == null) {
            throw new IllegalStateException("model '" + model + "' has no guardrails");
        }
        return g;
    }

    /**
     * Rolls {@code model} back to kept version {@code version}: its exact parameters are served again (under a new version
     * number), and what the log holds after it is learned again or discarded as {@code choice} says. Audited as
     * {@code origin}'s.
     */
    public RollbackResult rollback(String model, long version, LogAfterRollback choice, RequestOrigin origin) throws IOException {
        ModelFineTuner tuner = tuner(model);
        tuner.checkHealthy();
        guard(model);
        return ModelRollback.run(tuner, version, choice, origin);
    }

    /**
     * Starts a job over fastText-format lines ({@code __label__x text}). The content is read and checked
     * first (at most {@code max-job-bytes}; bad lines are reported with their numbers and skipped);
     * nothing is trained when no line is usable. Returns once the job's examples and record are stored
     * durably: from then on the job runs to its end even if the process dies (it resumes on restart). Fails with
     * {@link StorageUnavailableException} when they cannot be stored (a full disk): nothing is left behind.
     */
    public FineTuneJob startJob(String model, InputStream content) throws IOException {
        return startJob(model, content, RequestOrigin.LOCAL);
    }

    /**
     * {@link #startJob(String, InputStream)} from {@code origin}: lines with a label the model's label policy does not allow
     * become bad lines; a job bringing more new labels than the policy's caps leave is refused whole
     * ({@link dev.kindling.core.serving.guard.LabelRefusedException}); an accepted job is audited.
     */
    public FineTuneJob startJob(String model, InputStream content, RequestOrigin origin) throws IOException {
        ModelFineTuner tuner = tuner(model);
        tuner.checkHealthy();
        String prefix = tuner.model().labelPrefix();
        LabelledLines.Result parsed = LabelledLines.read(new LimitedInputStream(content, settings.maxJobBytes()), prefix);
        List<LabelledExample> examples = new ArrayList<>(parsed.lines().size());
        List<Long> lineNumbers = new ArrayList<>(parsed.lines().size());
        List<BadLine> bad = new ArrayList<>(parsed.badLines());
        for (LabelledLines.Line line : parsed.lines()) {
            try {
                examples.add(LabelledExample.fromTokens(line.tokens(), prefix));
                lineNumbers.add(line.number());
            } catch (IllegalArgumentException e) {
                bad.add(new BadLine(line.number(), e.getMessage()));
            }
        }
        ModelGuard guard = tuner.guard();
        JobScreening screening = null;
        if (guard != null && !examples.isEmpty()) {
            screening = guard.screenJob(examples);
            List<LabelledExample> allowed = new ArrayList<>(examples.size());
            for (int i = 0; i < examples.size(); i++) {
                String why = screening.refused().get(i);
                if (why == null) {
                    allowed.add(examples.get(i));
                } else {
                    bad.add(new BadLine(lineNumbers.get(i), why));
                }
            }
            bad.sort(java.util.Comparator.comparingLong(BadLine::lineNumber));
            examples = allowed;
        }
        try {
            if (examples.isEmpty()) {
                throw new dev.kindling.core.serving.model.InvalidInputException("the job file has no usable labelled line (" + bad.size()
                        + " bad lines" + (bad.isEmpty() ? "" : ", first: " + bad.get(0)) + ")");
            }
            if (jobRunner.stopping()) {
                throw new FineTuningStoppedException("fine-tuning is shutting down; retry the job later");
            }
        } catch (RuntimeException e) {
            if (screening != null) {
                screening.admission().release();
            }
            throw e;
        }
        JobRecord record = JobRecord.accepted(JobIds.next(), tuner.model().name(), examples.size(),
                bad.subList(0, Math.min(20, bad.size())), bad.size());
        if (tuner.fleet() != null) {
            return fleetJobs.start(tuner, record, examples);
        }
        JobStore store = jobStores.get(tuner.model().name());
        try {
            store.create(record, examples);
        } catch (IOException | RuntimeException e) {
            if (screening != null) {
                screening.admission().release();
            }
            if (e instanceof IOException io) {
                throw new StorageUnavailableException("model '" + tuner.model().name() + "': could not store the fine-tuning job (nothing"
                        + " was accepted)", io);
            }
            throw e;
        }
        if (guard != null) {
            guard.audit(new AuditRecord(clock.instant(), AuditAction.JOB, origin.keyId(), origin.remoteAddress(), examples.size(), record.id(),
                    bad.size() + " bad lines" + (screening.newLabels().isEmpty() ? "" : "; " + screening.newLabels().size() + " new labels")));
        }
        FineTuneJob job = newJob(record, tuner, store);
        forgetOldJobs(1);
        jobs.put(job.id(), job);
        if (!jobRunner.submit(job, tuner, store)) {
            log.log(System.Logger.Level.INFO, "model " + job.model() + ": fine-tuning job " + job.id()
                    + " is stored and starts after the restart (shutting down)");
        }
        return job;
    }

    public FineTuneJob job(String id) {
        FineTuneJob j = id == null ? null : jobs.get(id);
        if (j == null && fleetJobs != null) {
            j = fleetJobs.find(id);
        }
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
        int keep = settings.finishedJobsKept();
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
                log.log(System.Logger.Level.WARNING, "model " + j.model() + ": could not delete forgotten job " + j.id() + ": " + e.getMessage());
            }
        }
    }

    /**
     * Stops: the job runner leaves its job unfinished (stored, it resumes on the next start), each model
     * trains what was logged, is checkpointed and closes its log, all within the settings' shutdown timeout
     * (what is not trained by then stays in the log and is applied at the next start).
     */
    @Override
    public void close() throws IOException {
        // One deadline for the whole shutdown (the job runner, then every model), not a timeout per model.
        long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
        stopRunner();
        IOException first = null;
        for (ModelFineTuner t : tuners.values()) {
            try {
                t.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
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
                log.log(System.Logger.Level.WARNING, "could not release the lock of " + lock.directory() + ": " + e.getMessage());
            }
        }
    }

    private void stopRunner() {
        jobRunner.stop(settings.shutdownTimeout());
    }
}
