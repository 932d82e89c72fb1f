/**
 * The CUDA backend, found by {@link java.util.ServiceLoader}: {@link dev.kindling.cuda.CudaBackend} (tensors in
 * GPU memory, ops as PTX kernels and cuBLAS/cuFFT calls, one stream per device),
 * {@link dev.kindling.cuda.CudaDeviceProvider} (GPUs in a device pool), the exceptions it throws,
 * {@link dev.kindling.cuda.AllocatorStats} and {@link dev.kindling.cuda.DeviceTimer}. This package is the
 * backend's public face; the sub-packages are its internals, public only where another sub-package (or the
 * GPU benchmarks) needs them, and not API. Each depends only on those below it:
 * <ul>
 * <li>{@code ops}: the op implementations behind the backend SPI (BLAS, elementwise, embedding, HSM, optim,
 *     pooling, quantize, convolutions direct and FFT, device sort and scan);</li>
 * <li>{@code runtime}: the driver, devices with their context, stream and lock, PTX modules, kernel launches,
 *     tensor storage;</li>
 * <li>{@code memory}: the caching allocator, device blocks, pinned staging buffers for host transfers;</li>
 * <li>{@code bindings}: cuBLAS and cuFFT bound with java.lang.foreign, and JCuda status checks.</li>
 * </ul>
 * The PTX the runtime loads is built from {@code src/main/cuda} by {@code scripts/build-ptx.sh} into the
 * resources under {@code dev/kindling/cuda/ptx/}.
 */
package dev.kindling.cuda;
