package dev.kindling.core.nn.conv;

/** How a stride-1 spatial convolution is computed. */
public enum ConvAlgorithm {
    /** im2col + GEMM (any stride). */
    DIRECT,
    /** Per-frequency complex GEMM between FFTs (stride 1). */
    FFT
}
