/**
 * Internals of the CUDA backend, not API: the device runtime the ops run on.
 * {@link dev.kindling.cuda.runtime.CudaDriver} loads the JCuda driver binding and initializes CUDA once,
 * ending in an availability with a reason, never an exception; {@link dev.kindling.cuda.runtime.CudaDevice}
 * is one GPU (primary context, the one stream everything of the device is ordered on, the lock that
 * {@code enter()} takes, its caching allocator, pinned staging and cuBLAS handle);
 * {@code KernelModules} loads the PTX resources, {@link dev.kindling.cuda.runtime.KernelArgs} and
 * {@link dev.kindling.cuda.runtime.Kernel} make a launch, and {@link dev.kindling.cuda.runtime.CudaStorage}
 * is the device memory behind a tensor, which is how an op finds its device.
 */
package dev.kindling.cuda.runtime;
