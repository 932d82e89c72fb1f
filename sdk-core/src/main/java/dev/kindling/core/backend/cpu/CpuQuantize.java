package dev.kindling.core.backend.cpu;

import dev.kindling.core.backend.QuantizationAxis;
import dev.kindling.core.backend.QuantizeArguments;
import dev.kindling.core.backend.QuantizeOps;
import dev.kindling.core.backend.QuantizedGradient;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.logging.Level;
import java.util.logging.Logger;

/** CPU 1-bit quantization: Vector API kernels when selected, the plain-Java ones otherwise. */
final class CpuQuantize implements QuantizeOps {

    private final QuantizeKernels kernels;

    CpuQuantize(boolean vector) {
        this.kernels = vector ? vectorOrScalar() : new ScalarQuantizeKernels();
    }

    private static QuantizeKernels vectorOrScalar() {
        try {
            return (QuantizeKernels) Class.forName("dev.kindling.core.backend.cpu.VectorQuantizeKernels")
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            Logger.getLogger(CpuQuantize.class.getName()).log(Level.WARNING, "Vector API quantize kernels failed to load", e);
            return new ScalarQuantizeKernels();
        }
    }

    @Override
    public QuantizedGradient quantize(Tensor gradient, Tensor residual, int col0, int cols, QuantizationAxis axis) {
        QuantizeArguments.checkQuantize(gradient, residual, col0, cols);
        int rows = gradient.size(0), ld = gradient.size(1);
        QuantizedGradient q = QuantizedGradient.allocate(rows, cols, axis);
        MemorySegment res = residual == null ? null : residual.segment();
        long rOff = residual == null ? 0 : residual.offset() + col0;
        long gOff = gradient.offset() + col0;
        boolean ok = axis == QuantizationAxis.PER_ROW
                ? kernels.quantizeRows(gradient.segment(), gOff, res, rOff, ld, rows, cols, q.bits(), q.positive(), q.negative())
                : kernels.quantizeColumns(gradient.segment(), gOff, res, rOff, ld, rows, cols, q.bits(), q.positive(), q.negative());
        if (!ok) {
            throw new IllegalArgumentException("1-bit quantize: the gradient" + (residual == null ? "" : " plus residual")
                    + " contains NaN or infinite entries (block " + rows + " x " + cols + " at column " + col0 + ")");
        }
        return q;
    }

    @Override
    public void dequantize(QuantizedGradient q, Tensor out, int col0, boolean accumulate) {
        QuantizeArguments.checkBlock("output", out, col0, q.cols());
        if (out.size(0) != q.rows()) {
            throw new IllegalArgumentException("1-bit dequantize: block has " + q.rows() + " rows, output " + out.size(0));
        }
        long oOff = out.offset() + col0;
        int ld = out.size(1);
        if (q.axis() == QuantizationAxis.PER_ROW) {
            kernels.dequantizeRows(q.bits(), q.positive(), q.negative(), out.segment(), oOff, ld, q.rows(), q.cols(), accumulate);
        } else {
            kernels.dequantizeColumns(q.bits(), q.positive(), q.negative(), out.segment(), oOff, ld, q.rows(), q.cols(), accumulate);
        }
    }

}
