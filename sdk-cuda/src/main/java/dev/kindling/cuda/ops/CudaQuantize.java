package dev.kindling.cuda.ops;

import dev.kindling.core.backend.QuantizationAxis;
import dev.kindling.core.backend.QuantizeArguments;
import dev.kindling.core.backend.QuantizeOps;
import dev.kindling.core.backend.QuantizedGradient;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.memory.DeviceBlock;
import dev.kindling.cuda.runtime.CudaDevice;
import dev.kindling.cuda.runtime.KernelArgs;

import java.lang.foreign.MemorySegment;

import static dev.kindling.cuda.runtime.CudaStorage.address;

/**
 * 1-bit quantization on the GPU: reconstruction means per row (one block per row) or per column (one
 * thread per column), then sign bits packed by warp ballots with the residual update in the same pass.
 * The packed bits and the two reconstruction vectors come back to the host, the form that travels
 * between devices; a non-finite mean is detected before any residual is written.
 */
final class CudaQuantize implements QuantizeOps {

    private static final int BLOCK = 256;


    @Override
    public QuantizedGradient quantize(Tensor gradient, Tensor residual, int col0, int cols, QuantizationAxis axis) {
        QuantizeArguments.checkQuantize(gradient, residual, col0, cols);
        int rows = gradient.size(0), ld = gradient.size(1);
        QuantizedGradient q = QuantizedGradient.allocate(rows, cols, axis);
        if ((long) rows * cols == 0) {
            return q;
        }
        boolean perRow = axis == QuantizationAxis.PER_ROW;
        int groups = perRow ? rows : cols, words = q.bits().length;
        CudaDevice d = CudaDevice.of(gradient);
        long g = address(gradient) + (long) col0 * Float.BYTES;
        long r = residual == null ? 0 : address(residual) + (long) col0 * Float.BYTES;
        try (CudaDevice.Scope s = d.enter(); DeviceBlock pos = d.allocate((long) groups * Float.BYTES);
             DeviceBlock neg = d.allocate((long) groups * Float.BYTES); DeviceBlock bits = d.allocate((long) words * Integer.BYTES);
             DeviceBlock bad = d.allocate(Integer.BYTES)) {
            d.zero(bad.address(), Integer.BYTES);
            KernelArgs means = KernelArgs.of().ptr(g).ptr(r).i(ld).i(rows).i(cols).ptr(pos.address()).ptr(neg.address()).ptr(bad.address());
            if (perRow) {
                d.launch(d.kernel("quantize", "quantize_row_means"), d.grid(rows, 1), CudaElementwise.rowBlock(cols), means);
            } else {
                d.launch(d.kernel("quantize", "quantize_col_means"), d.grid(cols, BLOCK), BLOCK, means);
            }
            if (d.downloadInts(bad.address(), 1)[0] != 0) {
                throw new IllegalArgumentException("1-bit quantize: the gradient" + (residual == null ? "" : " plus residual")
                        + " contains NaN or infinite entries (block " + rows + " x " + cols + " at column " + col0 + ")");
            }
            d.launch(d.kernel("quantize", "quantize_pack"), d.grid((long) words * 32, BLOCK), BLOCK,
                    KernelArgs.of().ptr(g).ptr(r).i(ld).i(rows).i(cols).i(perRow).ptr(pos.address()).ptr(neg.address()).ptr(bits.address()));
            d.download(bits.address(), MemorySegment.ofArray(q.bits()), 0, (long) words * Integer.BYTES);
            d.download(pos.address(), MemorySegment.ofArray(q.positive()), 0, (long) groups * Float.BYTES);
            d.download(neg.address(), MemorySegment.ofArray(q.negative()), 0, (long) groups * Float.BYTES);
        }
        return q;
    }

    @Override
    public void dequantize(QuantizedGradient q, Tensor out, int col0, boolean accumulate) {
        QuantizeArguments.checkBlock("output", out, col0, q.cols());
        if (out.size(0) != q.rows()) {
            throw new IllegalArgumentException("1-bit dequantize: block has " + q.rows() + " rows, output " + out.size(0));
        }
        long n = (long) q.rows() * q.cols();
        if (n == 0) {
            return;
        }
        CudaDevice d = CudaDevice.of(out);
        try (CudaDevice.Scope s = d.enter(); DeviceBlock bits = d.upload(q.bits());
             DeviceBlock pos = d.allocate((long) q.positive().length * Float.BYTES);
             DeviceBlock neg = d.allocate((long) q.negative().length * Float.BYTES)) {
            d.upload(MemorySegment.ofArray(q.positive()), 0, pos.address(), (long) q.positive().length * Float.BYTES);
            d.upload(MemorySegment.ofArray(q.negative()), 0, neg.address(), (long) q.negative().length * Float.BYTES);
            d.launch(d.kernel("quantize", "dequantize"), d.grid(n, BLOCK), BLOCK,
                    KernelArgs.of().ptr(bits.address()).ptr(pos.address()).ptr(neg.address()).i(q.axis() == QuantizationAxis.PER_ROW)
                            .ptr(address(out) + (long) col0 * Float.BYTES).i(out.size(1)).i(q.rows()).i(q.cols()).i(accumulate));
        }
    }
}
