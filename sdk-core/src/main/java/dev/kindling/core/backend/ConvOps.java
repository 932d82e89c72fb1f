package dev.kindling.core.backend;

import dev.kindling.core.tensor.Tensor;

/**
 * Convolutions (temporal and spatial, direct and FFT-based). All tensors are batched and contiguous;
 * modules normalize shapes and validate arguments before calling. Output and gradInput tensors are
 * overwritten; gradWeight and gradBias are accumulated into (+=), never overwritten.
 *
 * <p>Shapes: temporal input [B, T, in], weight [out, kW, in] (the kernel tap-major, input features
 * contiguous), output [B, T', out] with T' = (T - kW) / dW + 1. Spatial input [B, C, H, W], weight
 * [O, C, kH, kW], output [B, O, H', W'] with H' = (H + 2 padH - kH) / dH + 1 (cross-correlation, as in
 * Torch).
 */
public interface ConvOps {

    void temporalForward(Tensor input, Tensor weight, Tensor bias, int dW, Tensor output);

    void temporalBackwardInput(Tensor gradOutput, Tensor weight, int dW, Tensor gradInput);

    /** gradWeight += ∂L/∂weight, gradBias += ∂L/∂bias (gradBias may be null). */
    void temporalAccGradParameters(Tensor input, Tensor gradOutput, int dW, Tensor gradWeight, Tensor gradBias);

    /** Direct spatial convolution (im2col + GEMM on the CPU). {@code bias} may be null. */
    void spatialForward(Tensor input, Tensor weight, Tensor bias, ConvGeometry g, Tensor output);

    void spatialBackwardInput(Tensor gradOutput, Tensor weight, ConvGeometry g, Tensor gradInput);

    void spatialAccGradParameters(Tensor input, Tensor gradOutput, ConvGeometry g, Tensor gradWeight, Tensor gradBias);

    /** Stride-1 spatial convolution computed in the frequency domain. {@code bias} may be null. */
    void fftSpatialForward(Tensor input, Tensor weight, Tensor bias, ConvGeometry g, Tensor output);

    /**
     * Both backward passes of the FFT convolution in the frequency domain, sharing the spectra they need.
     * {@code gradInput} (overwritten), {@code gradWeight} and {@code gradBias} (accumulated) may each be null.
     */
    void fftSpatialBackward(Tensor input, Tensor weight, Tensor gradOutput, ConvGeometry g,
                            Tensor gradInput, Tensor gradWeight, Tensor gradBias);

    /**
     * A new per-module workspace for the FFT convolution of training steps: it keeps the input and weight
     * spectra from forward for backward, and caches plans and buffers per shape (see
     * {@link FftConvWorkspace}). Backends that keep nothing get one that calls the stateless ops.
     */
    default FftConvWorkspace newFftWorkspace() {
        return new StatelessFftWorkspace(this);
    }
}
