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
 * The backend's one door into this package: each op group made by its SPI type, so that the implementations
 * stay package-private. They find the device of each call from its tensors and hold no backend.
 */
public final class CudaOps {

    private CudaOps() {
    }

    public static BlasOps blas() {
        return new CudaBlas();
    }

    public static ElementwiseOps elementwise() {
        return new CudaElementwise();
    }

    public static EmbeddingOps embedding() {
        return new CudaEmbedding();
    }

    public static OptimOps optim() {
        return new CudaOptim();
    }

    public static HsmOps hsm() {
        return new CudaHsm();
    }

    public static PoolingOps pooling() {
        return new CudaPooling();
    }

    public static QuantizeOps quantize() {
        return new CudaQuantize();
    }

    /** Temporal algorithm, workspace budget and FFT layout from the system properties (see {@link CudaConv}, {@link CudaFftConv}). */
    public static ConvOps conv() {
        return new CudaConv();
    }
}
