/**
 * Internals of the CUDA backend, not API: the native libraries besides the driver. cuBLAS
 * ({@link dev.kindling.cuda.bindings.Cublas}, {@code CublasBatched}, {@code CublasComplex}) and cuFFT
 * ({@link dev.kindling.cuda.bindings.Cufft}) are bound with java.lang.foreign, found by
 * {@code CudaLibraryProbe} (soname, then the usual toolkit folders, newest first), so CUDA 12 and 13 machines
 * both work; {@link dev.kindling.cuda.bindings.Check} turns JCuda driver status codes into exceptions. Uses no
 * other package of the backend but its exceptions.
 */
package dev.kindling.cuda.bindings;
