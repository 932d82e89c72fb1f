package dev.kindling.core.onebit;

import dev.kindling.core.backend.QuantizationAxis;
import dev.kindling.core.backend.QuantizedGradient;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

/**
 * 1-bit quantization of one gradient tensor with residual error feedback (Seide et al., 2014): each call
 * quantizes x = gradient + residual to a sign bit per entry plus two reconstruction values per row or
 * column, and keeps residual = x − dequantized(x) for the next call. The error is thus added back exactly
 * once, and the running sum of dequantized gradients differs from the running sum of true gradients by the
 * current residual only: nothing is lost, only delayed by a step.
 *
 * <p>Tensors are seen as matrices [size(0), numel / size(0)] (1-d tensors as one row). One quantizer per
 * gradient tensor; not thread-safe.
 */
public final class OneBitQuantizer {

    private final QuantizationAxis axis;
    private Tensor residual;

    public OneBitQuantizer(QuantizationAxis axis) {
        if (axis == null) {
            throw new IllegalArgumentException("quantization axis is null; use PER_ROW or PER_COLUMN");
        }
        this.axis = axis;
    }

    public QuantizationAxis axis() {
        return axis;
    }

    /** The carried quantization error (matrix view), or null before the first call. */
    public Tensor residual() {
        return residual;
    }

    /** Forgets the carried error. */
    public void reset() {
        residual = null;
    }

    /** Quantizes {@code gradient} plus the carried error and updates the carried error. */
    public QuantizedGradient quantize(Tensor gradient) {
        Tensor m = asMatrix(gradient);
        if (residual == null) {
            residual = m.zerosLike();
        } else if (!residual.device().equals(m.device()) || residual.size(0) != m.size(0) || residual.size(1) != m.size(1)) {
            throw new IllegalArgumentException("this quantizer carries the error of a " + Shapes.str(residual.shape()) + " gradient on "
                    + residual.device() + ", got " + Shapes.str(gradient.shape()) + " on " + gradient.device()
                    + "; use one quantizer per tensor");
        }
        return m.backend().quantize().quantize(m, residual, 0, m.size(1), axis);
    }

    /** Quantizes without error feedback (the carried error is neither used nor changed). */
    public QuantizedGradient quantizeWithoutFeedback(Tensor gradient) {
        Tensor m = asMatrix(gradient);
        return m.backend().quantize().quantize(m, null, 0, m.size(1), axis);
    }

    /** Writes (or adds, with {@code accumulate}) the dequantized gradient into {@code out}, of the quantized tensor's size. */
    public static void dequantize(QuantizedGradient q, Tensor out, boolean accumulate) {
        Tensor m = asMatrix(out);
        if (m.size(0) != q.rows() || m.size(1) != q.cols()) {
            throw new IllegalArgumentException("cannot dequantize a " + q.rows() + " x " + q.cols() + " block into a tensor of shape "
                    + Shapes.str(out.shape()));
        }
        m.backend().quantize().dequantize(q, m, 0, accumulate);
    }

    /** The tensor as the matrix the quantizer works on: [size(0), rest], or [1, n] for 1-d tensors. */
    public static Tensor asMatrix(Tensor t) {
        if (t == null || t.dim() == 0) {
            throw new IllegalArgumentException("1-bit quantization needs a tensor of rank >= 1, got " + (t == null ? "null" : "a scalar"));
        }
        if (t.dim() == 1) {
            return t.view(1, t.size(0));
        }
        return t.dim() == 2 ? t : t.view(t.size(0), -1);
    }
}
