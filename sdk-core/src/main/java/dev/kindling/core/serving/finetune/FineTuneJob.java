package dev.kindling.core.serving.finetune;

import dev.kindling.core.text.BadLine;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * A batch fine-tuning job: a file of labelled lines fed through the same write-ahead log as feedback.
 * It is stored before it is accepted (its parsed examples and its {@link JobRecord}), its state changes
 * and a cancel are recorded before they are reported, and the model records how far into the job it got,
 * so an accepted job survives a crash or a restart: it resumes where the model stopped and its status
 * stays queryable.
 */
public final class FineTuneJob {

    /** Life cycle of a job. */
    public enum State { QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED }

    /** A read-only view for status reports. */
    public record Status(String id, String model, State state, long totalExamples, long submittedExamples,
                         long appliedExamples, double progress, double examplesPerSecond, double loss, List<BadLine> badLines,
                         long badLineCount, String error, Instant createdAt, Instant finishedAt) {
    }

    private final JobRecordSink store;
    /** How many of this job's examples the model holds (they are applied in order, so that many from the start). */
    private final LongSupplier appliedInModel;
    /** The stored record; replaced (and stored first) on every change of state. */
    private volatile JobRecord record;
    private volatile State state;
    private volatile String error;
    private volatile long submitted;
    private volatile long appliedAtStart;
    private volatile long startedNanos;
    private volatile long finishedNanos;
    private volatile double loss = Double.NaN;
    /** Completes with the final status when the job ends (also when fine-tuning stops it short of its end). */
    private final CompletableFuture<Status> ended = new CompletableFuture<>();

    FineTuneJob(JobRecord record, JobRecordSink store, LongSupplier appliedInModel) {
        this.record = record;
        this.store = store;
        this.appliedInModel = appliedInModel;
        this.state = record.state();
        this.error = record.error();
        this.loss = record.loss();
        this.submitted = record.finished() ? record.appliedExamples() : appliedInModel.getAsLong();
        if (record.finished()) {
            ended.complete(status());
        }
    }

    /**
     * Completes with the job's final status once it has ended: succeeded, failed or cancelled (for observers,
     * e.g. a span per job). A job left unfinished by a shutdown never completes it in this process.
     */
    public CompletableFuture<Status> whenEnded() {
        return ended.copy();
    }

    public String id() {
        return record.id();
    }

    public String model() {
        return record.model();
    }

    public State state() {
        return state;
    }

    long total() {
        return record.totalExamples();
    }

    JobRecord record() {
        return record;
    }

    boolean cancelRequested() {
        return record.cancelRequested();
    }

    /** Finished, and that is stored (a job stopped by a fine-tuning failure is not: it resumes after a restart). */
    boolean finishedDurably() {
        return record.finished();
    }

    /**
     * Asks the job to stop submitting; examples already submitted stay accepted. The request is stored
     * before this returns, so it holds across a restart. False when the job had already finished.
     */
    public synchronized boolean cancel() {
        if (state != State.QUEUED && state != State.RUNNING) {
            return false;
        }
        if (record.cancelRequested()) {
            return true;
        }
        JobRecord next = record.withCancelRequested();
        if (state == State.QUEUED) {
            long applied = appliedInModel.getAsLong();
            next = next.finishedAs(State.CANCELLED, applied, loss, null, Instant.now());
        }
        store(next);
        if (next.finished()) {
            ended(next);
        }
        return true;
    }

    /** The runner picked the job up (again, after a restart); {@code resumeAt} examples are already in the model. */
    synchronized void started(long resumeAt) {
        submitted = resumeAt;
        appliedAtStart = resumeAt;
        startedNanos = System.nanoTime();
        if (record.state() != State.RUNNING) {
            store(record.withState(State.RUNNING));
        }
        state = State.RUNNING;
    }

    void submittedUpTo(long count) {
        submitted = count;
    }

    void lossSeen(double lastLoss) {
        if (!Double.isNaN(lastLoss)) {
            loss = lastLoss;
        }
    }

    /** Ends the job and stores how; false when it had already ended. */
    synchronized boolean finish(State end, String failure) {
        if (record.finished()) {
            return false;
        }
        JobRecord next = record.finishedAs(end, Math.min(appliedInModel.getAsLong(), record.totalExamples()), loss, failure, Instant.now());
        store(next);
        ended(next);
        return true;
    }

    /**
     * Reports the job as failed without storing it: the failure is not the job's (fine-tuning stopped), its
     * stored record still says it is unfinished, so it resumes when the service restarts.
     */
    synchronized void stoppedBy(String failure) {
        if (!record.finished()) {
            error = failure + "; the job's remaining examples are kept and it resumes when the service restarts";
            state = State.FAILED;
            finishedNanos = System.nanoTime();
            ended.complete(status());
        }
    }

    private void ended(JobRecord finished) {
        record = finished;
        error = finished.error();
        finishedNanos = System.nanoTime();
        state = finished.state();
        ended.complete(status());
    }

    private void store(JobRecord next) {
        try {
            store.save(next);
        } catch (IOException e) {
            throw new StorageUnavailableException("could not record the state of fine-tuning job " + next.id() + " durably", e);
        }
        record = next;
    }

    public Status status() {
        JobRecord r = record;
        long total = r.totalExamples();
        long applied = r.finished() ? r.appliedExamples() : Math.min(appliedInModel.getAsLong(), total);
        long sub = Math.max(submitted, applied);
        long started = startedNanos;
        long now = finishedNanos != 0 ? finishedNanos : System.nanoTime();
        double seconds = started == 0 ? 0 : (now - started) / 1e9;
        double rate = seconds > 0 ? Math.max(0, applied - appliedAtStart) / seconds : 0;
        double progress = Math.min(1.0, applied / (double) total);
        return new Status(r.id(), r.model(), state, total, sub, applied, progress, rate, loss, r.badLines(), r.badLineCount(), error,
                r.createdAt(), r.finishedAt());
    }
}
