package dev.kindling.core.onebit;

import dev.kindling.core.tensor.Tensor;

/**
 * Optional smoothing of the combined gradient before it is re-quantized and applied, as fbcunn's 1-bit
 * aggregator offered: Adagrad scaling g ← lr·g / (√(Σg²) + ε), then momentum m ← μ·m + g, g ← m
 * (either may be off). The state is per gradient block and identical wherever the same block is smoothed,
 * so replicas stay identical. Unlike fbcunn, ε keeps the Adagrad step finite when a history is zero.
 */
public record Smoothing(float adagradLearningRate, float epsilon, float momentum) {

    public Smoothing {
        if (!(adagradLearningRate >= 0) || !Float.isFinite(adagradLearningRate)) {
            throw new IllegalArgumentException("Adagrad learning rate must be finite and >= 0 (0 = no Adagrad), got " + adagradLearningRate);
        }
        if (!(epsilon > 0) || !Float.isFinite(epsilon)) {
            throw new IllegalArgumentException("Adagrad epsilon must be finite and > 0, got " + epsilon);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
    }

    public static Smoothing none() {
        return new Smoothing(0f, 1e-8f, 0f);
    }

    public static Smoothing momentum(float momentum) {
        return new Smoothing(0f, 1e-8f, momentum);
    }

    public static Smoothing adagrad(float learningRate) {
        return new Smoothing(learningRate, 1e-8f, 0f);
    }

    public static Smoothing adagradThenMomentum(float learningRate, float momentum) {
        return new Smoothing(learningRate, 1e-8f, momentum);
    }

    public boolean isNone() {
        return adagradLearningRate == 0 && momentum == 0;
    }

    /** Per-block state: squared-gradient sums and momentum buffer, created on first use. */
    public static final class State {
        Tensor sumSquares;
        Tensor velocity;
    }

    /** Smooths {@code g} in place using and updating {@code state}. */
    public void apply(Tensor g, State state) {
        if (isNone()) {
            return;
        }
        if (adagradLearningRate > 0) {
            if (state.sumSquares == null) {
                state.sumSquares = g.zerosLike();
            }
            // adagrad on a zero "parameter" leaves it at -lr·g/(√h + ε): the smoothed gradient, negated
            Tensor step = g.zerosLike();
            g.backend().optim().adagrad(step, g, state.sumSquares, adagradLearningRate, epsilon, 0f);
            g.backend().blas().scale(step, -1f);
            g.copyFrom(step);
        }
        if (momentum > 0) {
            if (state.velocity == null) {
                state.velocity = g.zerosLike();
            }
            g.backend().blas().scale(state.velocity, momentum);
            g.backend().blas().axpy(1f, g, state.velocity);
            g.copyFrom(state.velocity);
        }
    }
}
