/**
 * 1-bit SGD (Seide et al., 2014): {@link dev.kindling.core.onebit.OneBitQuantizer} (sign bits plus two
 * reconstruction values per row or column, residual error feedback added exactly once) and
 * {@link dev.kindling.core.onebit.OneBitDataParallel}, whose replicas exchange quantized gradients.
 */
package dev.kindling.core.onebit;
