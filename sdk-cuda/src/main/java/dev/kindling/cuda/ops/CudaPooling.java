package dev.kindling.cuda.ops;

import dev.kindling.core.backend.PoolingOps;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.runtime.CudaDevice;
import dev.kindling.cuda.runtime.KernelArgs;

import static dev.kindling.cuda.runtime.CudaStorage.address;

/**
 * {@link PoolingOps} as kernels. Backward kernels run one thread per input element and gather from the
 * outputs that read it, so overlapping windows need no atomics and sums come in a fixed order.
 */
final class CudaPooling implements PoolingOps {

    private static final int BLOCK = 256;


    private void run(String kernel, long work, Tensor on, KernelArgs args) {
        if (work == 0) {
            return;
        }
        CudaDevice d = CudaDevice.of(on);
        try (CudaDevice.Scope s = d.enter()) {
            d.launch(d.kernel("pooling", kernel), d.grid(work, BLOCK), BLOCK, args);
        }
    }

    @Override
    public void temporalMaxForward(Tensor input, int kW, int dW, Tensor output) {
        int b = input.size(0), t = input.size(1), f = input.size(2), to = output.size(1);
        run("temporal_max_fwd", output.numel(), input,
                KernelArgs.of().ptr(address(input)).ptr(address(output)).i(b).i(t).i(f).i(to).i(kW).i(dW));
    }

    @Override
    public void temporalMaxBackward(Tensor input, Tensor gradOutput, int kW, int dW, Tensor gradInput) {
        int b = input.size(0), t = input.size(1), f = input.size(2), to = gradOutput.size(1);
        run("temporal_max_bwd", input.numel(), input,
                KernelArgs.of().ptr(address(input)).ptr(address(gradOutput)).ptr(address(gradInput)).i(b).i(t).i(f).i(to).i(kW).i(dW));
    }

    @Override
    public void kMaxForward(Tensor input, int k, Tensor output) {
        int b = input.size(0), t = input.size(1), f = input.size(2);
        run("kmax_fwd", (long) b * f, input, KernelArgs.of().ptr(address(input)).ptr(address(output)).i(b).i(t).i(f).i(k));
    }

    @Override
    public void kMaxBackward(Tensor input, Tensor gradOutput, int k, Tensor gradInput) {
        int b = input.size(0), t = input.size(1), f = input.size(2);
        run("kmax_bwd", (long) b * f, input,
                KernelArgs.of().ptr(address(input)).ptr(address(gradOutput)).ptr(address(gradInput)).i(b).i(t).i(f).i(k));
    }

    @Override
    public void featureLpForward(Tensor input, int width, int stride, float power, Tensor output) {
        int b = input.size(0), fin = input.size(1), r = input.size(2), fout = output.size(1);
        run("feature_lp_fwd", output.numel(), input,
                KernelArgs.of().ptr(address(input)).ptr(address(output)).i(b).i(fin).i(r).i(fout).i(width).i(stride).f(power));
    }

    @Override
    public void featureLpBackward(Tensor input, Tensor output, Tensor gradOutput, int width, int stride, float power, Tensor gradInput) {
        int b = input.size(0), fin = input.size(1), r = input.size(2), fout = output.size(1);
        run("feature_lp_bwd", input.numel(), input,
                KernelArgs.of().ptr(address(input)).ptr(address(output)).ptr(address(gradOutput)).ptr(address(gradInput)).i(b).i(fin)
                        .i(r).i(fout).i(width).i(stride).f(power));
    }

    @Override
    public void crossMapNormForward(Tensor input, int size, float scale, float power, Tensor output) {
        int b = input.size(0), c = input.size(1), r = input.size(2);
        run("cross_map_fwd", input.numel(), input,
                KernelArgs.of().ptr(address(input)).ptr(address(output)).i(b).i(c).i(r).i(size).f(scale).f(power));
    }

    @Override
    public void crossMapNormBackward(Tensor input, Tensor gradOutput, int size, float scale, float power, Tensor gradInput) {
        int b = input.size(0), c = input.size(1), r = input.size(2);
        run("cross_map_bwd", input.numel(), input,
                KernelArgs.of().ptr(address(input)).ptr(address(gradOutput)).ptr(address(gradInput)).i(b).i(c).i(r).i(size).f(scale)
                        .f(power));
    }
}
