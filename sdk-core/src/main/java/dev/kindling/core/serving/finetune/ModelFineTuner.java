package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.checkpoint.CheckpointStore;
import dev.kindling.core.serving.guard.HeldOutExample;
import dev.kindling.core.serving.guard.ModelGuard;
import dev.kindling.core.serving.log.ExampleCodec;
import dev.kindling.core.serving.log.PoisonRecordQuarantine;
import dev.kindling.core.serving.model.JobPosition;
import dev.kindling.core.serving.model.LabelledExample;
import dev.kindling.core.serving.log.UpdateLog;
import dev.kindling.core.serving.log.FleetLog;
import dev.kindling.core.serving.model.ServedModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fine-tuning of one model. An accepted example is appended to the write-ahead log (durably) before
 * {@link #submit} returns, handed to the training queue in log order, trained in micro-batches by one
 * worker thread once it is durable, and periodically checkpointed together with the log position it
 * covers; the log is then trimmed. On start, examples the last checkpoint does not contain are replayed
 * from the log, so an acknowledged example is applied exactly once even across crashes.
 *
 * <p>A batch job's examples ({@link #offerJobExample}) are logged with their {@link JobPosition}; each
 * update records, per job, the highest index it applied ({@link ServedModel#jobProgress}), and checkpoints
 * store that with the model. After replaying the log on start the model therefore holds exactly a prefix
 * of each job, and {@link #jobApplied} says where the job resumes.
 *
 * <p>A logged record the model cannot apply (one that cannot be decoded, or whose example the model
 * refuses, e.g. written by an older release that checked less) never stops fine-tuning: it is set aside
 * in the {@link PoisonRecordQuarantine}, counted, and the records after it are applied.
 */
public final class ModelFineTuner implements AutoCloseable {

    private static final System.Logger log = System.getLogger(ModelFineTuner.class.getName());

    /** A logged example waiting to be trained; {@code position} is null for feedback. */
    private record Pending(long sequence, LabelledExample example, JobPosition position) {
    }

    /** Observers of applied updates (metrics). */
    public interface Listener {
        void applied(ServedModel model, ServedModel.UpdateResult result, int queueDepth);
    }

    /** Trains a batch into the model: {@link ServedModel#update}, or in tests one that refuses chosen examples. */
    @FunctionalInterface
    interface BatchTrainer {
        ServedModel.UpdateResult train(List<LabelledExample> examples, float lr, long lastSequence, Map<String, Long> jobMarks);
    }

    private final ServedModel model;
    private final BatchTrainer trainer;
    private final FineTuningSettings settings;
    private final UpdateLog wal;
    private final CheckpointStore checkpoints;
    private final PoisonRecordQuarantine quarantine;
    private final Listener listener;
    private final Semaphore capacity;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread worker;
    private final Thread checkpointer;
    /** In a fleet: the shared log that replaces the local one (then {@code wal}, the threads and local checkpoints are unused). */
    private final FleetLog fleet;
    private final FleetMember member;
    /** The highest fleet sequence this replica acknowledged. */
    private final AtomicLong highestAcknowledged = new AtomicLong();
    /** The model's guardrails (label policy, gate, kept versions, audit); null: none. */
    private final ModelGuard guard;
    /** Held for each training round and its gate step; a rollback takes it to stop training while it replaces the model. */
    private final java.util.concurrent.locks.ReentrantLock roundLock = new java.util.concurrent.locks.ReentrantLock();
    private volatile boolean running = true;
    private volatile boolean halted;
    /** A finished job's progress was dropped since the last checkpoint, which still lists it. */
    private volatile boolean jobsForgotten;
    private volatile double lastLoss = Double.NaN;
    private volatile long checkpointedVersion;
    /** The log sequence the last checkpoint contains: a record set aside moves the model past it without a new version. */
    private volatile long checkpointedSequence;

    ModelFineTuner(ServedModel model, FineTuningSettings settings, UpdateLog wal, CheckpointStore checkpoints,
                   PoisonRecordQuarantine quarantine, Listener listener, ModelGuard guard) throws IOException {
        this(model, model::update, settings, wal, checkpoints, quarantine, listener, guard);
    }

    ModelFineTuner(ServedModel model, BatchTrainer trainer, FineTuningSettings settings, UpdateLog wal,
                   CheckpointStore checkpoints, PoisonRecordQuarantine quarantine, Listener listener) throws IOException {
        this(model, trainer, settings, wal, checkpoints, quarantine, listener, null);
    }

    ModelFineTuner(ServedModel model, BatchTrainer trainer, FineTuningSettings settings, UpdateLog wal,
                   CheckpointStore checkpoints, PoisonRecordQuarantine quarantine, Listener listener, ModelGuard guard) throws IOException {
        this.model = model;
        this.guard = guard;
        this.trainer = trainer;
        this.settings = settings;
        this.wal = wal;
        this.fleet = null;
        this.member = null;
        this.checkpoints = checkpoints;
        this.quarantine = quarantine;
        this.listener = listener;
        this.capacity = new Semaphore(settings.queueCapacity());
        if (guard != null) {
            guard.attach();   // before the replay: what it replays is judged before it is served
        }
        long before = model.version();
        this.checkpointedSequence = model.appliedSequence();
        boolean replayed = replay();
        if (guard != null) {
            guard.settle();
        }
        // What was replayed is not in a checkpoint yet, nor is a fallback from a damaged one in force: the first
        // checkpoint round writes one (and trims the log).
        this.checkpointedVersion = replayed || checkpoints.hasUnusable() ? before - 1 : model.version();
        if (checkpoints.replacementPending()) {
            // The configured file replaced the fine-tuned checkpoints: record that now, under the directory lock.
            this.checkpointedVersion = -1;
            checkpointIfChanged();
        }
        this.worker = Thread.ofPlatform().daemon().name("kindling-finetune-" + model.name()).start(this::trainLoop);
        this.checkpointer = Thread.ofPlatform().daemon().name("kindling-checkpoint-" + model.name()).start(this::checkpointLoop);
    }

    /**
     * A replica of a fleet: examples go to the fleet's log, which chooses the replica that trains them; this model takes
     * the updates the log publishes. Waits up to {@code catchUp} for the model to hold what the log held at the start
     * (it serves what it has meanwhile, and goes on catching up afterwards).
     */
    ModelFineTuner(ServedModel model, FineTuningSettings settings, FleetLog fleet, PoisonRecordQuarantine quarantine, Listener listener,
                   java.util.function.Predicate<String> jobCancelled, Duration catchUp) {
        this.model = model;
        this.trainer = null;
        this.settings = settings;
        this.wal = null;
        this.checkpoints = null;
        this.quarantine = quarantine;
        this.listener = listener;
        this.capacity = new Semaphore(settings.queueCapacity());
        this.fleet = fleet;
        this.guard = null;   // guardrails do not apply to fleet replicas yet
        this.member = new FleetMember(model, settings, quarantine, listener, jobCancelled);
        this.worker = null;
        this.checkpointer = null;
        java.util.concurrent.CompletableFuture<Void> caughtUp = fleet.start(member);
        try {
            caughtUp.get(catchUp.toMillis(), TimeUnit.MILLISECONDS);
            log.log(System.Logger.Level.INFO, "model " + model.name() + ": caught up with the fleet at version " + model.version()
                    + " (sequence " + model.appliedSequence() + ")");
        } catch (java.util.concurrent.TimeoutException e) {
            log.log(System.Logger.Level.WARNING, "model " + model.name() + ": not caught up with the fleet after " + catchUp
                    + "; serving version " + model.version() + " meanwhile (" + fleet.status().problem() + ")");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("model '" + model.name() + "' cannot join the fleet: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The fleet log this model shares with other replicas, or null (the local write-ahead log). */
    public FleetLog fleet() {
        return fleet;
    }

    /** Why this replica's model is known to differ from the fleet's (it is reloading), or null. */
    public String divergence() {
        return member == null ? null : member.divergence();
    }

    /** Applies what the log holds beyond the model's last checkpoint; true when there was something. */
    private boolean replay() throws IOException {
        checkLogReaches(model.appliedSequence());
        List<Pending> batch = new ArrayList<>();
        long[] last = {0};
        long[] count = {0};
        wal.replay(model.appliedSequence(), (seq, payload) -> {
            last[0] = seq;
            count[0]++;
            ExampleCodec.Logged logged;
            try {
                logged = ExampleCodec.decodeLogged(payload);
            } catch (IllegalStateException undecodable) {
                // In log order: what came before it is applied first.
                applyOrSetAside(batch);
                batch.clear();
                setAside(seq, payload, undecodable, null);
                return;
            }
            batch.add(new Pending(seq, logged.example(), logged.position()));
            if (batch.size() >= settings.batchSize()) {
                replayRound(batch);
                batch.clear();
            }
        });
        replayRound(batch);
        if (count[0] > 0) {
            log.log(System.Logger.Level.INFO, "model " + model.name() + ": replayed " + (count[0]) + " records from the write-ahead log (up to sequence " + (last[0]) + "); " + quarantine.setAsideSinceStart() + " set aside");
        }
        return count[0] > 0;
    }

    /** A round of the replay at start; the gate hears of its examples and judges them all once the replay is done. */
    private void replayRound(List<Pending> batch) {
        ServedModel.UpdateResult r = applyOrSetAside(batch);
        if (guard != null && !batch.isEmpty()) {
            guard.afterRound(heldOut(batch), r, false);
        }
    }

    private static List<HeldOutExample> heldOut(List<Pending> batch) {
        List<HeldOutExample> out = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            out.add(new HeldOutExample(p.example(), p.sequence()));
        }
        return out;
    }

    /**
     * The log must hold every record after {@code applied} (the model's checkpoint): a gap would silently drop
     * acknowledged examples. A log that ends before the checkpoint (lost, or cut by an approved truncation)
     * continues its numbering after it, or new examples would reuse sequences replay skips.
     */
    private void checkLogReaches(long applied) throws IOException {
        if (wal.lastSequence() < applied) {
            log.log(System.Logger.Level.WARNING, "model " + model.name() + ": the write-ahead log ends at sequence " + wal.lastSequence() + ", before the checkpoint's " + applied + "; new examples are numbered after " + applied);
            wal.continueAfter(applied);
        } else if (wal.firstSequence() > applied + 1) {
            throw new IllegalStateException("model '" + model.name() + "': the write-ahead log starts at sequence " + wal.firstSequence()
                    + " but the checkpoint in use holds only up to " + applied + ": acknowledged examples " + (applied + 1) + ".."
                    + (wal.firstSequence() - 1) + " are in neither; refusing to start without them");
        }
    }

    public ServedModel model() {
        return model;
    }

    /**
     * Accepts an example: returns its log sequence once it is durably logged. Fails fast with
     * {@link FineTuningBusyException} when the queue is full (nothing is written then), and with
     * {@link StorageUnavailableException} when the log cannot store it (a full disk: nothing is acknowledged or
     * queued, and later examples are accepted once space is back).
     */
    public long submit(LabelledExample example) {
        checkHealthy();
        if (fleet != null) {
            // The fleet's log is the queue: it holds the example durably before this returns, and the trainer paces itself.
            long seq = fleet.append(ExampleCodec.encode(example));
            acknowledged.incrementAndGet();
            highestAcknowledged.accumulateAndGet(seq, Math::max);
            return seq;
        }
        if (!capacity.tryAcquire()) {
            throw new FineTuningBusyException("fine-tuning queue of model '" + model.name() + "' is full ("
                    + settings.queueCapacity() + " examples waiting); retry later", retryAfter());
        }
        return append(example);
    }

    /**
     * Logs an example of a batch job and queues it for training, waiting up to {@code timeout} for queue
     * space; returns its log sequence, or -1 when the queue stayed full (nothing was logged then). Does not
     * wait for the record to be forced to disk: the job's examples are stored already, nothing is trained
     * before it is durable, and were it lost in a crash the job would resume at it ({@link #jobApplied}).
     */
    long offerJobExample(LabelledExample example, JobPosition position, Duration timeout) throws InterruptedException {
        checkHealthy();
        if (fleet != null) {
            throw new IllegalStateException("model '" + model.name() + "' learns in a fleet: its jobs are appended whole to the fleet's log");
        }
        if (!capacity.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return -1;
        }
        return append(example, position, false);
    }

    /** How many of job {@code jobId}'s examples the model holds: it resumes at that index. */
    public long jobApplied(String jobId) {
        return model.jobProgress(jobId) + 1;
    }

    /** Stops tracking a finished job's progress (its record holds the outcome); the next checkpoint leaves it out. */
    void forgetJob(String jobId) {
        if (model.jobProgress(jobId) >= 0) {
            model.forgetJobProgress(jobId);
            jobsForgotten = true;
        }
    }

    private long append(LabelledExample example) {
        return append(example, null, true);
    }

    private long append(LabelledExample example, JobPosition position, boolean sync) {
        byte[] payload = ExampleCodec.encode(example, position);
        // Handed to the queue in log order while the log is locked; the worker trains it only once it is
        // durable (see trainLoop), and then frees its queue slot.
        java.util.concurrent.atomic.AtomicBoolean queued = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            java.util.function.LongConsumer enqueue = s -> {
                queue.add(new Pending(s, example, position));
                queued.set(true);
            };
            long seq = sync ? wal.append(payload, enqueue) : wal.appendWithoutSync(payload, enqueue);
            acknowledged.incrementAndGet();
            return seq;
        } catch (IOException | RuntimeException e) {
            if (!queued.get()) {
                capacity.release();
            }
            throw e instanceof IOException io
                    ? new StorageUnavailableException("model '" + model.name() + "': could not log the example durably, nothing was"
                    + " acknowledged", io)
                    : (RuntimeException) e;
        }
    }

    private Duration retryAfter() {
        return Duration.ofSeconds(1);
    }

    void checkHealthy() {
        Throwable f = failure.get();
        if (f != null) {
            throw new FineTuningStoppedException("fine-tuning of model '" + model.name() + "' stopped after a failure: " + f, f);
        }
        if (!running) {
            throw new FineTuningStoppedException("fine-tuning of model '" + model.name() + "' is shut down");
        }
    }

    /**
     * With a learning budget (max-examples-per-second), a round of n examples takes at least n / budget seconds: the
     * trainer sleeps out the rest, leaving the CPU to classification (on few cores the two compete for it). While it
     * sleeps the queue fills, so the next rounds are full batches. Not when closing: what was accepted trains at once.
     */
    private void paceAfter(long roundStart, int examples) {
        int budget = settings.maxExamplesPerSecond();
        if (budget <= 0 || !running) {
            return;
        }
        long due = roundStart + examples * 1_000_000_000L / budget;
        for (long wait = due - System.nanoTime(); wait > 0 && running; wait = due - System.nanoTime()) {
            java.util.concurrent.locks.LockSupport.parkNanos(this, wait);
        }
    }

    private void trainLoop() {
        List<Pending> batch = new ArrayList<>(settings.batchSize());
        long delayNanos = settings.maxBatchDelay().toNanos();
        while (!halted && (running || !queue.isEmpty())) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + delayNanos;
                while (batch.size() < settings.batchSize()) {
                    long left = deadline - System.nanoTime();
                    Pending next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                // Never train what is not on disk: if forcing the log failed, its writers were told so. (A checkpoint
                // holding a record the log then lost would also give its sequence number to the next record.)
                wal.awaitDurable(batch.get(batch.size() - 1).sequence());
                long roundStart = System.nanoTime();
                int examples = batch.size();
                ServedModel.UpdateResult r;
                roundLock.lock();
                try {
                    if (guard != null) {
                        guard.beforeRound(batch.stream().map(Pending::example).toList());
                    }
                    r = applyOrSetAside(batch);
                    if (guard != null) {
                        guard.afterRound(heldOut(batch), r, queue.isEmpty());
                    }
                } finally {
                    roundLock.unlock();
                }
                if (r.examples() > 0) {
                    lastLoss = r.meanLoss();
                }
                capacity.release(batch.size());
                batch.clear();
                if (listener != null) {
                    listener.applied(model, r, queue.size());
                }
                paceAfter(roundStart, examples);
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                model.failWaiters(t);
                log.log(System.Logger.Level.ERROR, "fine-tuning of model " + model.name() + " failed; accepted examples stay in the write-ahead log", t);
                return;
            }
        }
    }

    /**
     * Trains a batch; when the model refuses it, applies its examples one at a time and sets aside each one
     * it refuses, so the rest is trained. Returns what was trained (no example at all for an empty batch).
     */
    private ServedModel.UpdateResult applyOrSetAside(List<Pending> batch) {
        if (batch.isEmpty()) {
            return new ServedModel.UpdateResult(model.version(), Double.NaN, 0, 0);
        }
        try {
            return apply(batch);
        } catch (IllegalArgumentException refused) {
            // The model checks a whole batch before it changes anything, so nothing of it was trained yet.
            double lossSum = 0;
            int examples = 0, labelsAdded = 0;
            for (Pending p : batch) {
                try {
                    ServedModel.UpdateResult r = apply(List.of(p));
                    lossSum += r.meanLoss() * r.examples();
                    examples += r.examples();
                    labelsAdded += r.labelsAdded();
                } catch (IllegalArgumentException e) {
                    setAside(p.sequence(), ExampleCodec.encode(p.example(), p.position()), e, p.position());
                }
            }
            return new ServedModel.UpdateResult(model.version(), examples == 0 ? Double.NaN : lossSum / examples, examples, labelsAdded);
        }
    }

    /** Keeps a record the model cannot apply in the quarantine and moves the model past it (and its job past it). */
    private void setAside(long sequence, byte[] payload, Throwable error, JobPosition position) {
        try {
            quarantine.setAside(sequence, payload, error);
        } catch (IOException e) {
            throw new UncheckedIOException("could not set aside write-ahead-log record " + sequence + " of model '" + model.name()
                    + "' in " + quarantine.directory() + ": " + e.getMessage(), e);
        }
        model.skip(sequence, position == null ? Map.of() : Map.of(position.jobId(), position.index()));
    }

    /** Trains one batch (in log order) and records the log position and each job's progress it reaches. */
    private ServedModel.UpdateResult apply(List<Pending> batch) {
        List<LabelledExample> examples = new ArrayList<>(batch.size());
        Map<String, Long> jobMarks = new HashMap<>();
        for (Pending p : batch) {
            examples.add(p.example());
            if (p.position() != null) {
                jobMarks.merge(p.position().jobId(), p.position().index(), Math::max);
            }
        }
        return trainer.train(examples, settings.learningRate(), batch.get(batch.size() - 1).sequence(), jobMarks);
    }

    private void checkpointLoop() {
        long interval = settings.checkpointInterval().toMillis();
        while (running) {
            try {
                Thread.sleep(interval);
                checkpointIfChanged();
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                if (!running) {
                    return;   // interrupted mid-write by close(), which checkpoints itself
                }
                log.log(System.Logger.Level.WARNING, "checkpoint of model " + model.name() + " failed; will retry", t);
            }
        }
    }

    /** Writes a checkpoint when the model (or the set of jobs it tracks) changed since the last one, then trims the log. */
    public synchronized void checkpointIfChanged() throws IOException {
        if (fleet != null) {
            return;   // the fleet's trainer writes the fleet's checkpoints
        }
        if (guard != null) {
            try {
                guard.keepVersionIfChanged();   // the served version, kept for rollback; it holds the log back to it
            } catch (IOException | RuntimeException e) {
                // A version that could not be kept (a full disk, say) must not stop checkpoints; the next round tries again.
                log.log(System.Logger.Level.WARNING, "model " + model.name() + ": could not keep the served version: " + e.getMessage(), e);
            }
        }
        if (model.version() == checkpointedVersion && model.appliedSequence() == checkpointedSequence && !jobsForgotten) {
            return;
        }
        jobsForgotten = false;
        CheckpointStore.Snapshot s;
        try {
            s = model.checkpoint(checkpoints);
        } catch (IOException | RuntimeException e) {
            jobsForgotten = true;
            throw e;
        }
        checkpointedVersion = s.version();
        checkpointedSequence = s.walSequence();
        // Only through the oldest kept checkpoint: each must stay completable from the log, should a newer one be damaged; and
        // only through the oldest kept version, so that a rollback to it can replay what followed it.
        wal.truncateThrough(Math.min(checkpoints.oldestKeptWalSequence(), guard == null ? Long.MAX_VALUE : guard.logFloor()));
    }

    /** Examples acknowledged since start. */
    public long acknowledged() {
        return acknowledged.get();
    }

    /** Examples accepted but not yet in the model. */
    public int queueDepth() {
        return queue.size();
    }

    /** Log sequences accepted but not yet applied (the fine-tuning lag). */
    public long lag() {
        return Math.max(0, (fleet != null ? highestAcknowledged.get() : wal.lastSequence()) - model.appliedSequence());
    }

    /** Log records set aside since start because they could not be applied. */
    public long setAside() {
        return quarantine.setAsideSinceStart();
    }

    public PoisonRecordQuarantine quarantine() {
        return quarantine;
    }

    public double lastLoss() {
        return member != null ? member.lastLoss() : lastLoss;
    }

    public Throwable failure() {
        return failure.get();
    }

    public CheckpointStore checkpoints() {
        return checkpoints;
    }

    /**
     * Blocks until everything accepted so far is settled (or the timeout passes): learned and, behind a validation gate,
     * judged for serving (served unless the gate held it back); true if it is.
     */
    public boolean awaitApplied(Duration timeout) throws InterruptedException {
        if (fleet != null) {
            return awaitApplied(highestAcknowledged.get(), timeout);
        }
        if (failure.get() != null) {
            return false;
        }
        try {
            model.settled().when(wal.lastSequence()).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    /**
     * Blocks until log sequence {@code sequence} is in the learned model (whether or not it is served yet); false when the
     * timeout passed or fine-tuning failed.
     */
    public boolean awaitApplied(long sequence, Duration timeout) throws InterruptedException {
        if (failure.get() != null) {
            return false;
        }
        try {
            model.applied().when(sequence).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    /**
     * Completes once log sequence {@code sequence} is settled: learned and, behind a validation gate, judged for serving
     * (served unless the gate held it back); fails if fine-tuning stops first.
     */
    public java.util.concurrent.CompletableFuture<Long> whenApplied(long sequence) {
        Throwable f = failure.get();
        if (f != null) {
            return java.util.concurrent.CompletableFuture.failedFuture(f);
        }
        return model.settled().when(sequence);
    }

    /** Clean shutdown: trains what was accepted (for up to the shutdown timeout), checkpoints, closes the log. */
    @Override
    public void close() throws IOException {
        close(settings.shutdownTimeout());
    }

    /** {@link #close()} training what was accepted for up to {@code timeout} (the rest stays in the log for the next start). */
    public void close(Duration timeout) throws IOException {
        running = false;
        if (fleet != null) {
            try {
                fleet.close();
            } finally {
                model.failWaiters(new IllegalStateException("fine-tuning of model '" + model.name() + "' was shut down"));
            }
            return;
        }
        checkpointer.interrupt();
        try {
            worker.join(Math.max(1, timeout.toMillis()));
            checkpointer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (failure.get() == null) {
                if (guard != null) {
                    settleForShutdown();
                }
                checkpointIfChanged();
            }
        } finally {
            model.failWaiters(new IllegalStateException("fine-tuning of model '" + model.name() + "' was shut down"));
            try {
                wal.close();
            } finally {
                if (guard != null) {
                    guard.close();
                }
            }
        }
    }

    /** Closes the log after {@link #halt()} (a start that failed part-way). */
    void closeLog() throws IOException {
        if (fleet != null) {
            fleet.close();
            return;
        }
        try {
            wal.close();
        } finally {
            if (guard != null) {
                guard.close();
            }
        }
    }

    /** Judges what the last rounds learned before the final checkpoint, so that the version kept at shutdown is the served one. */
    private void settleForShutdown() {
        roundLock.lock();
        try {
            guard.settle();
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "model " + model.name() + ": could not judge the last rounds before shutdown", e);
        } finally {
            roundLock.unlock();
        }
    }

    /** The model's guardrails, or null. */
    public ModelGuard guard() {
        return guard;
    }

    /** The settings this model fine-tunes with (the service's, with the model's own overrides). */
    public FineTuningSettings settings() {
        return settings;
    }

    UpdateLog log() {
        return wal;
    }

    java.util.concurrent.locks.ReentrantLock roundLock() {
        return roundLock;
    }

    /** Writes a checkpoint now, whatever changed (after a rollback, so that a restart does not go back before it). */
    void checkpointNow() throws IOException {
        synchronized (this) {
            checkpointedVersion = -1;
            checkpointIfChanged();
        }
    }

    /**
     * Stops the threads without training the queue, checkpointing or closing the log, as a crash would
     * (tests); returns once they stopped, so that a new fine-tuner may open the same directory.
     */
    void halt() throws InterruptedException {
        halted = true;
        running = false;
        if (fleet != null) {
            try {
                fleet.close();
            } catch (IOException e) {
                log.log(System.Logger.Level.WARNING, "model " + model.name() + ": closing the fleet log: " + e.getMessage());
            }
            model.applied().failWaiters(new IllegalStateException("fine-tuning of model '" + model.name() + "' was halted"));
            return;
        }
        worker.interrupt();
        checkpointer.interrupt();
        worker.join();
        checkpointer.join();
        model.failWaiters(new IllegalStateException("fine-tuning of model '" + model.name() + "' was halted"));
    }
}
