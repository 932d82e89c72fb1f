package dev.kindling.cuda.ops;

import dev.kindling.core.backend.BlasOps;
import dev.kindling.core.backend.ConvOps;
import dev.kindling.core.backend.ElementwiseOps;
import dev.kindling.core.backend.EmbeddingOps;
import dev.kindling.core.backend.HsmOps;
import dev.kindling.core.backend.OptimOps;
import dev.kindling.core.backend.PoolingOps;
import dev.kindling.core.backend.QuantizeOps;

/**
 * The op implementations of one CUDA backend, made together: the one door from the backend into this
 * package, so that the implementations themselves stay package-private. They find the device of each
 * call from its tensors, so they hold no reference to the backend.
 */
public record CudaOps(BlasOps blas, ElementwiseOps elementwise, EmbeddingOps embedding, OptimOps optim, HsmOps hsm,
                      PoolingOps pooling, QuantizeOps quantize, ConvOps conv) {

    /** The ops with their configuration read from the system properties (see {@link CudaConv}, {@link CudaFftConv}). */
    public static CudaOps create() {
        return new CudaOps(new CudaBlas(), new CudaElementwise(), new CudaEmbedding(), new CudaOptim(), new CudaHsm(), new CudaPooling(),
                new CudaQuantize(), new CudaConv());
    }
}
