package dev.kindling.core.nn.conv;

import dev.kindling.core.nn.Module;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

/**
 * k-max pooling over time (fbcunn {@code TemporalKMaxPooling}, Kalchbrenner et al. 2014): for each
 * feature, the k' largest values over the T frames, kept in their time order. Input (batch ×) T × F,
 * output (batch ×) k' × F with k' = max(k, ⌈kDynamic · T⌉) when kDynamic &gt; 0, else k. Fails when
 * k' &gt; T. Ties go to the earlier frame; the gradient flows back to the selected frames.
 */
public final class TemporalKMaxPooling extends Module<Tensor> {

    private final int k;
    private final double kDynamic;

    public TemporalKMaxPooling(int k) {
        this(k, 0);
    }

    /** @param kDynamic fraction of the sequence length to keep at least (0 for a fixed k) */
    public TemporalKMaxPooling(int k, double kDynamic) {
        if (k <= 0 || !(kDynamic >= 0 && kDynamic <= 1)) {
            throw new IllegalArgumentException("TemporalKMaxPooling needs k > 0 and kDynamic in [0, 1], got k=" + k + " kDynamic=" + kDynamic);
        }
        this.k = k;
        this.kDynamic = kDynamic;
    }

    /** k' for a sequence of {@code frames} steps. */
    public int effectiveK(int frames) {
        int kk = kDynamic > 0 ? Math.max(k, (int) Math.ceil(kDynamic * frames)) : k;
        if (kk > frames) {
            throw new IllegalArgumentException("TemporalKMaxPooling keeps k'=" + kk + " frames but the input has only " + frames
                    + " (k=" + k + ", kDynamic=" + kDynamic + ")");
        }
        return kk;
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = asBatch(input);
        int kk = effectiveK(x.size(1));
        Tensor out = Tensor.zeros(input.device(), x.size(0), kk, x.size(2));
        input.backend().pooling().kMaxForward(x, kk, out);
        return input.dim() == 2 ? out.view(kk, x.size(2)) : out;
    }

    @Override
    public Tensor backward(Tensor input, Tensor gradOutput) {
        Tensor x = asBatch(input);
        int kk = effectiveK(x.size(1));
        Shapes.requireShape("TemporalKMaxPooling gradOutput", gradOutput.view(-1, kk, x.size(2)), x.size(0), kk, x.size(2));
        Tensor gradInput = x.zerosLike();
        input.backend().pooling().kMaxBackward(x, gradOutput.view(x.size(0), kk, x.size(2)), kk, gradInput);
        return gradInput.view(input.shape());
    }

    private static Tensor asBatch(Tensor input) {
        Shapes.requireRank("TemporalKMaxPooling input", input, 2, 3);
        return input.dim() == 2 ? input.view(1, input.size(0), input.size(1)) : input;
    }

    @Override
    public String toString() {
        return "TemporalKMaxPooling(k=" + k + (kDynamic > 0 ? ", kDynamic=" + kDynamic : "") + ")";
    }
}
