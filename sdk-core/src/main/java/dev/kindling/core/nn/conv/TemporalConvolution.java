package dev.kindling.core.nn.conv;

import dev.kindling.core.nn.Module;
import dev.kindling.core.nn.Parameter;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

import java.util.Random;

/**
 * 1-d convolution over time (fbcunn {@code TemporalConvolution}): input (batch ×) T × inputFrameSize,
 * output (batch ×) T' × outputFrameSize with T' = (T − kW) / dW + 1. Weight outputFrameSize × kW ×
 * inputFrameSize, bias outputFrameSize; both start uniform in ±1/√(kW·inputFrameSize). Computed as
 * GEMMs over the unfolded input. Unlike fbcunn, backward adds to the weight gradient instead of
 * overwriting it.
 */
public final class TemporalConvolution extends Module<Tensor> {

    private final int inputFrameSize;
    private final int outputFrameSize;
    private final int kW;
    private final int dW;
    private final Parameter weight;
    private final Parameter bias;

    public TemporalConvolution(int inputFrameSize, int outputFrameSize, int kW, int dW) {
        this(inputFrameSize, outputFrameSize, kW, dW, new Random());
    }

    public TemporalConvolution(int inputFrameSize, int outputFrameSize, int kW, int dW, Random rng) {
        if (inputFrameSize <= 0 || outputFrameSize <= 0 || kW <= 0 || dW <= 0) {
            throw new IllegalArgumentException("TemporalConvolution needs positive sizes, got inputFrameSize=" + inputFrameSize
                    + " outputFrameSize=" + outputFrameSize + " kW=" + kW + " dW=" + dW);
        }
        this.inputFrameSize = inputFrameSize;
        this.outputFrameSize = outputFrameSize;
        this.kW = kW;
        this.dW = dW;
        float bound = (float) (1.0 / Math.sqrt((double) kW * inputFrameSize));
        this.weight = registerParameter("weight", Tensor.rand(rng, -bound, bound, outputFrameSize, kW, inputFrameSize));
        this.bias = registerParameter("bias", Tensor.rand(rng, -bound, bound, outputFrameSize));
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    /** T' for an input of {@code frames} time steps. */
    public int outputLength(int frames) {
        if (frames < kW) {
            throw new IllegalArgumentException("TemporalConvolution with kW=" + kW + " needs at least " + kW + " frames, got " + frames);
        }
        return (frames - kW) / dW + 1;
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = asBatch(input);
        int steps = outputLength(x.size(1));
        Tensor out = Tensor.zeros(input.device(), x.size(0), steps, outputFrameSize);
        input.backend().conv().temporalForward(x, weight.value(), bias.value(), dW, out);
        return input.dim() == 2 ? out.view(steps, outputFrameSize) : out;
    }

    @Override
    public Tensor backward(Tensor input, Tensor gradOutput) {
        Tensor x = asBatch(input);
        int batch = x.size(0), steps = outputLength(x.size(1));
        Shapes.requireShape("TemporalConvolution gradOutput", gradOutput.view(-1, steps, outputFrameSize), batch, steps, outputFrameSize);
        Tensor g = gradOutput.view(batch, steps, outputFrameSize);
        Tensor gradInput = x.zerosLike();
        input.backend().conv().temporalBackwardInput(g, weight.value(), dW, gradInput);
        input.backend().conv().temporalAccGradParameters(x, g, dW, weight.grad(), bias.grad());
        return gradInput.view(input.shape());
    }

    private Tensor asBatch(Tensor input) {
        Shapes.requireRank("TemporalConvolution input", input, 2, 3);
        if (input.size(-1) != inputFrameSize) {
            throw new IllegalArgumentException("TemporalConvolution expects " + inputFrameSize + " features per frame in the last dimension, got shape "
                    + Shapes.str(input.shape()));
        }
        Shapes.requireSameDevice("TemporalConvolution input and weight", input, weight.value());
        return input.dim() == 2 ? input.view(1, input.size(0), inputFrameSize) : input;
    }

    @Override
    public String toString() {
        return "TemporalConvolution(" + inputFrameSize + " -> " + outputFrameSize + ", kW=" + kW + ", dW=" + dW + ")";
    }
}
