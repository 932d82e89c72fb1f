package dev.kindling.spring.classifier;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An acknowledged feedback example: durably in the model's write-ahead log under {@code sequence}.
 *
 * @param model    the model's name
 * @param sequence the example's log sequence
 * @param learned  completes (with the sequence then applied) once the model has learned the example; fails if fine-tuning
 *                 stops first (the example stays in the log and is learned at the next start)
 */
public record FeedbackReceipt(String model, long sequence, CompletableFuture<Long> learned) {

    /** Completes with this receipt once the model has learned the example. */
    public CompletableFuture<FeedbackReceipt> applied() {
        return learned.thenApply(applied -> this);
    }

    /**
     * Waits up to {@code timeout} for the model to learn the example.
     *
     * @throws TimeoutException when it has not learned it by then
     * @throws IllegalStateException when fine-tuning stopped before it did
     */
    public FeedbackReceipt awaitApplied(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            learned.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return this;
        } catch (ExecutionException e) {
            throw new IllegalStateException("feedback " + sequence + " for model '" + model + "' was not applied: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }
}
