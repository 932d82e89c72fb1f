package dev.kindling.core.backend;

import dev.kindling.core.tensor.Tensor;

/** The workspace of a backend that keeps nothing between passes: every call goes to the stateless ops. */
final class StatelessFftWorkspace implements FftConvWorkspace {

    private final ConvOps ops;

    StatelessFftWorkspace(ConvOps ops) {
        this.ops = ops;
    }

    @Override
    public void forward(Tensor input, Tensor weight, Tensor bias, ConvGeometry g, Tensor output) {
        ops.fftSpatialForward(input, weight, bias, g, output);
    }

    @Override
    public void backward(Tensor input, Tensor weight, Tensor gradOutput, ConvGeometry g,
                         Tensor gradInput, Tensor gradWeight, Tensor gradBias) {
        ops.fftSpatialBackward(input, weight, gradOutput, g, gradInput, gradWeight, gradBias);
    }

    @Override
    public long transforms() {
        return -1;
    }

    @Override
    public void close() {
    }
}
