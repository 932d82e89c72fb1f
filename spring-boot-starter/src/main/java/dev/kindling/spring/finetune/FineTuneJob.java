package dev.kindling.spring.finetune;

import dev.kindling.core.text.BadLine;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A batch fine-tuning job: a file of labelled lines fed through the same durable path as feedback.
 * Its examples are logged before they are trained, so what a job has submitted survives a crash even
 * though the job record itself lives in memory.
 */
public final class FineTuneJob {

    /** Life cycle of a job. */
    public enum State { QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED }

    /** A read-only view for status reports. */
    public record Status(String id, String model, State state, long totalExamples, long submittedExamples,
                         long appliedExamples, double progress, double examplesPerSecond, double loss, List<BadLine> badLines,
                         long badLineCount, String error, Instant createdAt, Instant finishedAt) {
    }

    private final String id;
    private final String model;
    private final long total;
    private final List<BadLine> badLines;
    private final long badLineCount;
    private final Instant createdAt = Instant.now();
    private final AtomicLong submitted = new AtomicLong();
    private volatile State state = State.QUEUED;
    private volatile long lastSequence;
    private volatile long startedNanos;
    private volatile long finishedNanos;
    private volatile Instant finishedAt;
    private volatile String error;
    private volatile boolean cancelRequested;
    private volatile double loss = Double.NaN;
    private volatile long applied;

    FineTuneJob(String id, String model, long total, List<BadLine> badLines, long badLineCount) {
        this.id = id;
        this.model = model;
        this.total = total;
        this.badLines = List.copyOf(badLines);
        this.badLineCount = badLineCount;
    }

    public String id() {
        return id;
    }

    public String model() {
        return model;
    }

    public State state() {
        return state;
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    /** Asks the job to stop submitting; examples already submitted stay accepted. */
    public boolean cancel() {
        if (state == State.QUEUED || state == State.RUNNING) {
            cancelRequested = true;
            if (state == State.QUEUED) {
                finish(State.CANCELLED, null);
            }
            return true;
        }
        return false;
    }

    void started() {
        startedNanos = System.nanoTime();
        state = State.RUNNING;
    }

    void submittedOne(long sequence) {
        submitted.incrementAndGet();
        lastSequence = sequence;
    }

    long lastSequence() {
        return lastSequence;
    }

    void progress(long appliedExamples, double lastLoss) {
        applied = Math.min(appliedExamples, submitted.get());
        if (!Double.isNaN(lastLoss)) {
            loss = lastLoss;
        }
    }

    synchronized void finish(State end, String failure) {
        if (state == State.SUCCEEDED || state == State.FAILED || state == State.CANCELLED) {
            return;
        }
        finishedNanos = System.nanoTime();
        finishedAt = Instant.now();
        error = failure;
        state = end;
    }

    public Status status() {
        long sub = submitted.get();
        long now = finishedNanos != 0 ? finishedNanos : System.nanoTime();
        double seconds = startedNanos == 0 ? 0 : (now - startedNanos) / 1e9;
        double progress = total == 0 ? 1.0 : Math.min(1.0, applied / (double) total);
        return new Status(id, model, state, total, sub, applied, progress, seconds > 0 ? applied / seconds : 0, loss, badLines,
                badLineCount, error, createdAt, finishedAt);
    }
}
