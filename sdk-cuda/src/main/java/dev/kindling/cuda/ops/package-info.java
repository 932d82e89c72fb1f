/**
 * Internals of the CUDA backend, not API: the implementations of the backend SPI's op groups, which the backend
 * gets from {@link dev.kindling.cuda.ops.CudaOps}. Each op finds its device from its tensors' storage, enters the
 * device (lock held, context current) and enqueues kernels of the PTX modules and cuBLAS/cuFFT calls on the
 * device's stream. Here: BLAS ({@code CudaBlas}), elementwise, embedding with the device sort and scan
 * ({@code DeviceSort}), hierarchical softmax ({@code CudaHsm}, {@code HsmLayout}, {@code HsmBatchPlan}), optim,
 * pooling, 1-bit quantize, and the convolutions: {@link dev.kindling.cuda.ops.CudaConv} hands temporal and
 * direct spatial ones to {@code CudaTemporalConv} and {@code CudaSpatialConv} (written against
 * {@code ConvSteps}, so tests run them on the host too) and FFT ones to {@link dev.kindling.cuda.ops.CudaFftConv}.
 * Public here: {@code CudaOps}, and what the GPU benchmarks in {@code benchmarks/} choose between.
 */
package dev.kindling.cuda.ops;
