package dev.kindling.cuda.ops;

import dev.kindling.core.backend.ConvArguments;
import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.backend.ConvOps;
import dev.kindling.core.backend.FftConvWorkspace;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.runtime.CudaDevice;

/**
 * {@link ConvOps} on the GPU: checks shapes and devices (a bad shape would make a kernel read or write
 * out of bounds), then hands temporal convolutions to {@link CudaTemporalConv} and direct spatial ones to
 * {@link CudaSpatialConv}, and FFT ones (with the per-module workspaces that keep spectra from forward
 * for backward) to {@link CudaFftConv}.
 *
 * <p>The unfolding workspace budget is {@code kindling.cuda.conv-workspace-bytes} (1 GiB by default): a
 * batch whose unfolded input is larger runs in chunks of whole images or sequences.
 *
 * <p>Public, with {@link #with} and {@link #DEFAULT_WORKSPACE_BYTES}, for the GPU benchmark in
 * {@code benchmarks/}, which times both temporal algorithms; the backend makes it through {@link CudaOps}.
 */
public final class CudaConv implements ConvOps {

    public static final long DEFAULT_WORKSPACE_BYTES = Long.getLong("kindling.cuda.conv-workspace-bytes", 1L << 30);

    private final CudaTemporalConv temporal;
    private final CudaSpatialConv spatial;
    private final CudaFftConv fft;

    CudaConv() {
        this(DEFAULT_WORKSPACE_BYTES, TemporalConvAlgorithm.configured());
    }

    /** With an explicit workspace budget and temporal algorithm (tests, benchmarks). */
    CudaConv(long workspaceBytes, TemporalConvAlgorithm temporalAlgorithm) {
        if (workspaceBytes <= 0) {
            throw new IllegalArgumentException("convolution workspace must be > 0 bytes, got " + workspaceBytes);
        }
        this.temporal = new CudaTemporalConv(workspaceBytes, temporalAlgorithm);
        this.spatial = new CudaSpatialConv(workspaceBytes);
        this.fft = new CudaFftConv();
    }

    /** These ops with another temporal algorithm and workspace budget (tests force chunking; benchmarks compare algorithms). */
    public CudaConv with(TemporalConvAlgorithm algorithm, long workspaceBytes) {
        return new CudaConv(workspaceBytes, algorithm);
    }

    TemporalConvAlgorithm temporalAlgorithm() {
        return temporal.algorithm();
    }

    /** Every tensor on the same CUDA device (null optional tensors skipped). */
    private void requireOneDevice(String op, Tensor... tensors) {
        CudaDevice first = null;
        for (Tensor t : tensors) {
            if (t == null) {
                continue;
            }
            CudaDevice d = CudaDevice.of(t);
            if (first == null) {
                first = d;
            } else if (d != first) {
                throw new IllegalArgumentException(op + ": tensors on different devices, " + first.device() + " and " + d.device()
                        + "; move them to one device with Tensor.to(device)");
            }
        }
    }

    // ---- temporal ------------------------------------------------------------------------------

    @Override
    public void temporalForward(Tensor input, Tensor weight, Tensor bias, int dW, Tensor output) {
        ConvArguments.checkTemporalForward(input, weight, bias, dW, output);
        requireOneDevice("temporal convolution forward", input, weight, bias, output);
        temporal.forward(input, weight, bias, dW, output);
    }

    @Override
    public void temporalBackwardInput(Tensor gradOutput, Tensor weight, int dW, Tensor gradInput) {
        ConvArguments.checkTemporalBackwardInput(gradOutput, weight, dW, gradInput);
        requireOneDevice("temporal convolution backward", gradOutput, weight, gradInput);
        temporal.backwardInput(gradOutput, weight, dW, gradInput);
    }

    @Override
    public void temporalAccGradParameters(Tensor input, Tensor gradOutput, int dW, Tensor gradWeight, Tensor gradBias) {
        ConvArguments.checkTemporalAccGrad(input, gradOutput, dW, gradWeight, gradBias);
        requireOneDevice("temporal convolution weight gradient", input, gradOutput, gradWeight, gradBias);
        temporal.accGradParameters(input, gradOutput, dW, gradWeight, gradBias);
    }

    // ---- spatial, direct -----------------------------------------------------------------------

    @Override
    public void spatialForward(Tensor input, Tensor weight, Tensor bias, ConvGeometry g, Tensor output) {
        ConvArguments.checkSpatialForward(input, weight, bias, g, output);
        requireOneDevice("spatial convolution forward", input, weight, bias, output);
        spatial.forward(input, weight, bias, g, output);
    }

    @Override
    public void spatialBackwardInput(Tensor gradOutput, Tensor weight, ConvGeometry g, Tensor gradInput) {
        ConvArguments.checkSpatialBackwardInput(gradOutput, weight, g, gradInput);
        requireOneDevice("spatial convolution backward", gradOutput, weight, gradInput);
        spatial.backwardInput(gradOutput, weight, g, gradInput);
    }

    @Override
    public void spatialAccGradParameters(Tensor input, Tensor gradOutput, ConvGeometry g, Tensor gradWeight, Tensor gradBias) {
        ConvArguments.checkSpatialAccGrad(input, gradOutput, g, gradWeight, gradBias);
        requireOneDevice("spatial convolution weight gradient", input, gradOutput, gradWeight, gradBias);
        spatial.accGradParameters(input, gradOutput, g, gradWeight, gradBias);
    }

    // ---- spatial, FFT ---------------------------------------------------------------------------

    @Override
    public void fftSpatialForward(Tensor input, Tensor weight, Tensor bias, ConvGeometry g, Tensor output) {
        fft.forward(input, weight, bias, g, output);
    }

    @Override
    public void fftSpatialBackward(Tensor input, Tensor weight, Tensor gradOutput, ConvGeometry g,
                                   Tensor gradInput, Tensor gradWeight, Tensor gradBias) {
        fft.backward(input, weight, gradOutput, g, gradInput, gradWeight, gradBias);
    }

    @Override
    public FftConvWorkspace newFftWorkspace() {
        return fft.newWorkspace();
    }
}
