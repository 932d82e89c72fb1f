package dev.kindling.cuda;

import jcuda.driver.CUstream;

/** A {@link CUstream} whose raw handle can be handed to libraries bound with java.lang.foreign (cuBLAS). */
final class CudaStream extends CUstream {

    long handle() {
        return getNativePointer();
    }
}
