package dev.kindling.cuda.runtime;

import jcuda.driver.CUstream;

/** A {@link CUstream} whose raw handle can be handed to libraries bound with java.lang.foreign (cuBLAS). */
public final class CudaStream extends CUstream {

    CudaStream() {
    }

    public long handle() {
        return getNativePointer();
    }
}
