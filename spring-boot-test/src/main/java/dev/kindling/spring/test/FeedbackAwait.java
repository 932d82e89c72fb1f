package dev.kindling.spring.test;

import dev.kindling.spring.classifier.Classifier;
import dev.kindling.spring.classifier.FeedbackReceipt;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting in tests until feedback is learned: no sleeps, the engine's completion signal. */
public final class FeedbackAwait {

    /** How long a test waits by default before it fails. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private FeedbackAwait() {
    }

    /** Sends {@code text} with {@code label} (and {@code moreLabels}) to {@code classifier} and returns once the model has learned it. */
    public static FeedbackReceipt learn(Classifier classifier, String text, String label, String... moreLabels) {
        return applied(classifier.feedback(text, label, moreLabels));
    }

    /** Waits (up to {@link #DEFAULT_TIMEOUT}) until the feedback {@code accepted} is logged and learned. */
    public static FeedbackReceipt applied(CompletableFuture<FeedbackReceipt> accepted) {
        return applied(accepted, DEFAULT_TIMEOUT);
    }

    /** Waits up to {@code timeout} until the feedback {@code accepted} is logged and learned; fails the test otherwise. */
    public static FeedbackReceipt applied(CompletableFuture<FeedbackReceipt> accepted, Duration timeout) {
        try {
            return accepted.thenCompose(FeedbackReceipt::applied).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for feedback to be applied", e);
        } catch (ExecutionException e) {
            throw new AssertionError("the feedback was not applied: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the feedback was not applied within " + timeout, e);
        }
    }
}
