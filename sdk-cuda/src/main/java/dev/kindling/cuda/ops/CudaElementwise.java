package dev.kindling.cuda.ops;

import dev.kindling.core.backend.ElementwiseOps;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.memory.DeviceBlock;
import dev.kindling.cuda.runtime.CudaDevice;
import dev.kindling.cuda.runtime.KernelArgs;

import static dev.kindling.cuda.runtime.CudaStorage.address;
import static dev.kindling.cuda.runtime.CudaStorage.addressOrNull;

/** {@link ElementwiseOps} as kernels; log-softmax runs one block per row. */
final class CudaElementwise implements ElementwiseOps {

    private static final int BLOCK = 256;


    private void pointwise(String kernel, Tensor... tensors) {
        long n = tensors[0].numel();
        for (Tensor t : tensors) {
            if (t.numel() != n) {
                throw new IllegalArgumentException(kernel + ": element counts differ, " + n + " vs " + t.numel());
            }
        }
        CudaDevice d = CudaDevice.of(tensors[0]);
        try (CudaDevice.Scope s = d.enter()) {
            KernelArgs args = KernelArgs.of();
            for (Tensor t : tensors) {
                args.ptr(address(t));
            }
            d.launch(d.kernel("elementwise", kernel), d.grid(n, BLOCK), BLOCK, args.l(n));
        }
    }

    @Override
    public void relu(Tensor input, Tensor output) {
        pointwise("relu_fwd", input, output);
    }

    @Override
    public void reluBackward(Tensor input, Tensor gradOutput, Tensor gradInput) {
        pointwise("relu_bwd", input, gradOutput, gradInput);
    }

    @Override
    public void tanh(Tensor input, Tensor output) {
        pointwise("tanh_fwd", input, output);
    }

    @Override
    public void tanhBackward(Tensor output, Tensor gradOutput, Tensor gradInput) {
        pointwise("tanh_bwd", output, gradOutput, gradInput);
    }

    private void rowwise(String kernel, Tensor a, Tensor b, Tensor c) {
        int cols = a.size(-1);
        long rows = cols == 0 ? 0 : a.numel() / cols;
        if (rows == 0) {
            return;
        }
        CudaDevice d = CudaDevice.of(a);
        try (CudaDevice.Scope s = d.enter()) {
            KernelArgs args = KernelArgs.of().ptr(address(a)).ptr(address(b));
            if (c != null) {
                args.ptr(address(c));
            }
            d.launch(d.kernel("elementwise", kernel), d.grid(rows, 1), rowBlock(cols), args.l(rows).i(cols));
        }
    }

    /** Threads per row: enough warps to cover the row, at most 256. */
    static int rowBlock(long cols) {
        return (int) Math.min(256, Math.max(32, (cols + 31) / 32 * 32));
    }

    @Override
    public void logSoftmax(Tensor input, Tensor output) {
        rowwise("log_softmax_fwd", input, output, null);
    }

    @Override
    public void logSoftmaxBackward(Tensor output, Tensor gradOutput, Tensor gradInput) {
        rowwise("log_softmax_bwd", output, gradOutput, gradInput);
    }

    @Override
    public void classNll(Tensor logProbs, IndexTensor targets, Tensor weights, double[] out) {
        int cols = logProbs.size(-1);
        CudaDevice d = CudaDevice.of(logProbs);
        try (CudaDevice.Scope s = d.enter();
             DeviceBlock t = d.upload(targets.data());
             DeviceBlock result = d.allocate(2L * Double.BYTES)) {
            d.launch(d.kernel("elementwise", "class_nll_fwd"), 1, 256,
                    KernelArgs.of().ptr(address(logProbs)).ptr(t.address()).ptr(addressOrNull(weights)).l(targets.numel()).i(cols)
                            .ptr(result.address()));
            double[] r = d.downloadDoubles(result.address(), 2);
            out[0] = r[0];
            out[1] = r[1];
        }
    }

    @Override
    public void classNllBackward(Tensor gradInput, IndexTensor targets, Tensor weights, float scale) {
        int cols = gradInput.size(-1);
        CudaDevice d = CudaDevice.of(gradInput);
        try (CudaDevice.Scope s = d.enter(); DeviceBlock t = d.upload(targets.data())) {
            d.zero(address(gradInput), gradInput.numel() * Float.BYTES);
            d.launch(d.kernel("elementwise", "class_nll_bwd"), d.grid(targets.numel(), BLOCK), BLOCK,
                    KernelArgs.of().ptr(address(gradInput)).ptr(t.address()).ptr(addressOrNull(weights)).l(targets.numel()).i(cols)
                            .f(scale));
        }
    }
}
