package dev.kindling.core.nn.conv;

import dev.kindling.core.nn.Module;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

/**
 * Local response normalization across feature maps (fbcunn {@code CrossMapNormalization}, as in
 * cuda-convnet): y_f = x_f / (1 + scale/size · Σ_{f'} x_f'^2)^power, the sum over the {@code size}
 * maps f' in [f − ⌊size/2⌋, f − ⌊size/2⌋ + size) that exist (borders are zero-padded). Each spatial
 * position is normalized independently. Input [C][H][W] or [B][C][H][W].
 */
public final class CrossMapNormalization extends Module<Tensor> {

    private final int size;
    private final float scale;
    private final float power;

    public CrossMapNormalization(int size, float scale, float power) {
        if (size <= 0 || !(scale >= 0) || !Float.isFinite(scale) || !Float.isFinite(power)) {
            throw new IllegalArgumentException("CrossMapNormalization needs size > 0, finite scale >= 0 and finite power, got size=" + size
                    + " scale=" + scale + " power=" + power);
        }
        this.size = size;
        this.scale = scale;
        this.power = power;
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = asBatch(input);
        Tensor out = x.zerosLike();
        input.backend().pooling().crossMapNormForward(x, size, scale, power, out);
        return out.view(input.shape());
    }

    @Override
    public Tensor backward(Tensor input, Tensor gradOutput) {
        Shapes.requireSameShape("CrossMapNormalization gradOutput vs input", gradOutput, input);
        Tensor x = asBatch(input);
        Tensor gradInput = x.zerosLike();
        input.backend().pooling().crossMapNormBackward(x, gradOutput.view(x.shape()), size, scale, power, gradInput);
        return gradInput.view(input.shape());
    }

    private static Tensor asBatch(Tensor input) {
        Shapes.requireRank("CrossMapNormalization input", input, 3, 4);
        return input.dim() == 3 ? input.view(1, input.size(0), input.size(1) * input.size(2))
                : input.view(input.size(0), input.size(1), input.size(2) * input.size(3));
    }

    @Override
    public String toString() {
        return "CrossMapNormalization(size=" + size + ", scale=" + scale + ", power=" + power + ")";
    }
}
