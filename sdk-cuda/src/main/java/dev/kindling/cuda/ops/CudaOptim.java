package dev.kindling.cuda.ops;

import dev.kindling.core.backend.OptimOps;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.memory.DeviceBlock;
import dev.kindling.cuda.runtime.CudaDevice;
import dev.kindling.cuda.runtime.KernelArgs;

import static dev.kindling.cuda.runtime.CudaStorage.address;
import static dev.kindling.cuda.runtime.CudaStorage.addressOrNull;

/** {@link OptimOps} as kernels; the row-sparse forms touch only the gradient's rows of parameter and state. */
final class CudaOptim implements OptimOps {

    private static final int BLOCK = 256;


    @Override
    public void sgd(Tensor param, Tensor grad, Tensor momentumBuffer, boolean firstStep, float lr, float momentum, float dampening,
                    float weightDecay, boolean nesterov) {
        CudaDevice d = CudaDevice.of(param);
        try (CudaDevice.Scope s = d.enter()) {
            d.launch(d.kernel("optim", "sgd_dense"), d.grid(param.numel(), BLOCK), BLOCK,
                    KernelArgs.of().ptr(address(param)).ptr(address(grad)).ptr(addressOrNull(momentumBuffer)).l(param.numel())
                            .i(firstStep).f(lr).f(momentum).f(dampening).f(weightDecay).i(nesterov));
        }
    }

    @Override
    public void sgdRows(Tensor param, RowSparse grad, Tensor momentumBuffer, float lr, float momentum, float dampening,
                        float weightDecay, boolean nesterov) {
        int n = grad.nnzRows();
        if (n == 0) {
            return;
        }
        CudaDevice d = CudaDevice.of(param);
        try (CudaDevice.Scope s = d.enter(); DeviceBlock rows = d.upload(grad.rows().data())) {
            d.launch(d.kernel("optim", "sgd_rows"), d.grid(n, 1), CudaElementwise.rowBlock(grad.dim()),
                    KernelArgs.of().ptr(address(param)).ptr(rows.address()).ptr(address(grad.values())).ptr(addressOrNull(momentumBuffer))
                            .i(n).i(grad.dim()).f(lr).f(momentum).f(dampening).f(weightDecay).i(nesterov));
        }
    }

    @Override
    public void adagrad(Tensor param, Tensor grad, Tensor sumSquares, float lr, float eps, float weightDecay) {
        CudaDevice d = CudaDevice.of(param);
        try (CudaDevice.Scope s = d.enter()) {
            d.launch(d.kernel("optim", "adagrad_dense"), d.grid(param.numel(), BLOCK), BLOCK,
                    KernelArgs.of().ptr(address(param)).ptr(address(grad)).ptr(address(sumSquares)).l(param.numel()).f(lr).f(eps)
                            .f(weightDecay));
        }
    }

    @Override
    public void adagradRows(Tensor param, RowSparse grad, Tensor sumSquares, float lr, float eps, float weightDecay) {
        int n = grad.nnzRows();
        if (n == 0) {
            return;
        }
        CudaDevice d = CudaDevice.of(param);
        try (CudaDevice.Scope s = d.enter(); DeviceBlock rows = d.upload(grad.rows().data())) {
            d.launch(d.kernel("optim", "adagrad_rows"), d.grid((long) n * grad.dim(), BLOCK), BLOCK,
                    KernelArgs.of().ptr(address(param)).ptr(rows.address()).ptr(address(grad.values())).ptr(address(sumSquares)).i(n)
                            .i(grad.dim()).f(lr).f(eps).f(weightDecay));
        }
    }
}
