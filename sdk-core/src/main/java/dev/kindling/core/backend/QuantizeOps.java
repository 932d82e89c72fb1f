package dev.kindling.core.backend;

import dev.kindling.core.tensor.Tensor;

/**
 * 1-bit gradient quantization (Seide et al., 2014), the hot part of 1-bit SGD. Matrices are 2-d
 * row-major tensors (row ranges are views made with {@code narrow}); a block is all their rows and the
 * columns [col0, col0 + cols).
 */
public interface QuantizeOps {

    /**
     * Quantizes x = gradient + residual over the block: sign bits (x ≥ 0) and, per row or per column, the
     * mean of the non-negative and of the negative x. With error feedback ({@code residual} not null) the
     * residual block becomes x − dequantized(x), so the quantization error is carried into the next call
     * exactly once. Fails on NaN or infinite entries.
     */
    QuantizedGradient quantize(Tensor gradient, Tensor residual, int col0, int cols, QuantizationAxis axis);

    /** Writes (or, with {@code accumulate}, adds) the dequantized block into {@code out}'s columns [col0, col0 + q.cols()). */
    void dequantize(QuantizedGradient q, Tensor out, int col0, boolean accumulate);
}
