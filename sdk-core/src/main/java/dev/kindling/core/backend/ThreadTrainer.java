package dev.kindling.core.backend;

import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;

/**
 * One training thread's own handle on an output layer's direct-update SGD step, for Hogwild trainers. An
 * implementation may keep updates of heavily shared weights in the thread for a bounded number of
 * examples before publishing them (so that threads do not fight over the same cache lines on every
 * example); {@link #flush} publishes whatever is pending, and a trainer must be flushed (or closed) before
 * its updates count. Not thread-safe: each thread uses its own trainer; trainers over the same weights may
 * run concurrently.
 */
public interface ThreadTrainer extends AutoCloseable {

    /**
     * One SGD step with learning rate {@code lr}, as the output layer's {@code trainStepUnchecked}: writes
     * each example's loss to {@code lossOut} [batch] and its input gradient to {@code gradInput} [batch, d].
     * Arguments are not checked (hot loop): callers validate their data once.
     */
    void step(Tensor input, IndexTensor targets, float lr, Tensor gradInput, Tensor lossOut);

    /** Publishes every update still held by this trainer into the shared weights. */
    void flush();

    /** Same as {@link #flush}. */
    @Override
    default void close() {
        flush();
    }

    /** {@code publishEvery} when it is a usable publish period (at least one example), else a clear error. */
    static int requirePublishEvery(int publishEvery) {
        if (publishEvery < 1) {
            throw new IllegalArgumentException("a thread trainer publishes its pending updates every n >= 1 examples, got n = "
                    + publishEvery);
        }
        return publishEvery;
    }

    /** A trainer that applies every step straight into the weights: nothing is ever pending. */
    interface Direct extends ThreadTrainer {
        @Override
        default void flush() {
        }
    }
}
