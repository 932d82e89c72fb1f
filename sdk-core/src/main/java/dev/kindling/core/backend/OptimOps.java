package dev.kindling.core.backend;

import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;

/**
 * Parameter updates, dense and row-sparse. Row-sparse updates touch only the given rows of the
 * parameter and of its optimizer state ("lazy" state: untouched rows keep theirs unchanged).
 */
public interface OptimOps {

    /**
     * SGD with optional weight decay and momentum: g = grad + wd·p; buf = momentum·buf + (1 − dampening)·g
     * (buf = g on the first step, signalled by {@code firstStep}); step = nesterov ? g + momentum·buf : buf;
     * p −= lr·step. {@code momentumBuffer} is null when momentum is 0.
     */
    void sgd(Tensor param, Tensor grad, Tensor momentumBuffer, boolean firstStep, float lr, float momentum,
             float dampening, float weightDecay, boolean nesterov);

    /** {@link #sgd} applied to the rows of {@code grad} only; a row's first step is when its buffer row is all zero. */
    void sgdRows(Tensor param, RowSparse grad, Tensor momentumBuffer, float lr, float momentum, float dampening,
                 float weightDecay, boolean nesterov);

    /** Adagrad: g = grad + wd·p; sumSq += g²; p −= lr · g / (sqrt(sumSq) + eps). */
    void adagrad(Tensor param, Tensor grad, Tensor sumSquares, float lr, float eps, float weightDecay);

    /** {@link #adagrad} applied to the rows of {@code grad} only. */
    void adagradRows(Tensor param, RowSparse grad, Tensor sumSquares, float lr, float eps, float weightDecay);
}
