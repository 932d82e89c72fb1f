package dev.kindling.core.nn.conv;

import dev.kindling.core.nn.Module;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

/**
 * Max over time windows of kW frames taken every dW frames, per feature: input (batch ×) T × F,
 * output (batch ×) T' × F with T' = (T − kW) / dW + 1. The gradient goes to the first maximum.
 */
public final class TemporalMaxPooling extends Module<Tensor> {

    private final int kW;
    private final int dW;

    /** Non-overlapping windows (dW = kW). */
    public TemporalMaxPooling(int kW) {
        this(kW, kW);
    }

    public TemporalMaxPooling(int kW, int dW) {
        if (kW <= 0 || dW <= 0) {
            throw new IllegalArgumentException("TemporalMaxPooling needs kW > 0 and dW > 0, got kW=" + kW + " dW=" + dW);
        }
        this.kW = kW;
        this.dW = dW;
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = asBatch(input);
        Tensor out = Tensor.zeros(input.device(), x.size(0), outputLength(x.size(1)), x.size(2));
        input.backend().pooling().temporalMaxForward(x, kW, dW, out);
        return input.dim() == 2 ? out.view(out.size(1), out.size(2)) : out;
    }

    @Override
    public Tensor backward(Tensor input, Tensor gradOutput) {
        Tensor x = asBatch(input);
        int steps = outputLength(x.size(1));
        Shapes.requireShape("TemporalMaxPooling gradOutput", gradOutput.view(-1, steps, x.size(2)), x.size(0), steps, x.size(2));
        Tensor gradInput = x.zerosLike();
        input.backend().pooling().temporalMaxBackward(x, gradOutput.view(x.size(0), steps, x.size(2)), kW, dW, gradInput);
        return gradInput.view(input.shape());
    }

    private int outputLength(int frames) {
        if (frames < kW) {
            throw new IllegalArgumentException("TemporalMaxPooling with kW=" + kW + " needs at least " + kW + " frames, got " + frames);
        }
        return (frames - kW) / dW + 1;
    }

    private static Tensor asBatch(Tensor input) {
        Shapes.requireRank("TemporalMaxPooling input", input, 2, 3);
        return input.dim() == 2 ? input.view(1, input.size(0), input.size(1)) : input;
    }

    @Override
    public String toString() {
        return "TemporalMaxPooling(kW=" + kW + ", dW=" + dW + ")";
    }
}
