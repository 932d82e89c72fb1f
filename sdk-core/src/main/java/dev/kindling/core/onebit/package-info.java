/**
 * 1-bit SGD (Seide et al., 2014): {@link dev.kindling.core.onebit.OneBitQuantizer} (sign bits plus two
 * reconstruction values per row or column, residual error feedback added exactly once) and
 * {@link dev.kindling.core.onebit.OneBitDataParallel}, whose replicas exchange quantized gradients. Depends on
 * parallel, device, nn, tensor and the backend SPI (whose QuantizeOps kernels and quantized-gradient types it uses).
 */
package dev.kindling.core.onebit;
