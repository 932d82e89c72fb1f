package dev.kindling.core.nn.conv;

import dev.kindling.core.nn.Module;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

/**
 * LP pooling across the feature dimension (fbcunn {@code FeatureLPPooling}): windows of {@code width}
 * consecutive features taken every {@code stride} features are reduced to
 * y = (Σ |x|^p)^(1/p); {@code power = Float.POSITIVE_INFINITY} gives the limit max |x| (max pooling
 * across features for non-negative inputs such as ReLU outputs).
 *
 * <p>Input [F][…] (rank 1–3) or, in batch mode, [B][F][…] (rank 2–4); the output has F' = (F − width)
 * / stride + 1 features and the input's other dimensions. width 2–16, stride 1–4, power &gt; 0.
 */
public final class FeatureLPPooling extends Module<Tensor> {

    private final int width;
    private final int stride;
    private final float power;
    private final boolean batchMode;

    public FeatureLPPooling(int width, int stride, float power, boolean batchMode) {
        if (width < 2 || width > 16 || stride < 1 || stride > 4) {
            throw new IllegalArgumentException("FeatureLPPooling needs width in [2, 16] and stride in [1, 4], got width=" + width
                    + " stride=" + stride);
        }
        if (!(power > 0) || Float.isNaN(power)) {
            throw new IllegalArgumentException("FeatureLPPooling power must be > 0 (or +Infinity for max), got " + power);
        }
        this.width = width;
        this.stride = stride;
        this.power = power;
        this.batchMode = batchMode;
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = asBatch(input);
        Tensor out = Tensor.zeros(input.device(), x.size(0), outputFeatures(x.size(1)), x.size(2));
        input.backend().pooling().featureLpForward(x, width, stride, power, out);
        return out.view(outputShape(input));
    }

    @Override
    public Tensor backward(Tensor input, Tensor gradOutput) {
        Tensor x = asBatch(input);
        int[] outShape = outputShape(input);
        Shapes.requireShape("FeatureLPPooling gradOutput", gradOutput, outShape);
        Tensor out = Tensor.zeros(input.device(), x.size(0), outputFeatures(x.size(1)), x.size(2));
        input.backend().pooling().featureLpForward(x, width, stride, power, out);
        Tensor gradInput = x.zerosLike();
        input.backend().pooling().featureLpBackward(x, out, gradOutput.view(out.shape()), width, stride, power, gradInput);
        return gradInput.view(input.shape());
    }

    private int featureDim() {
        return batchMode ? 1 : 0;
    }

    private int outputFeatures(int features) {
        if (features < width) {
            throw new IllegalArgumentException("FeatureLPPooling of width " + width + " needs at least " + width + " features, got " + features);
        }
        return (features - width) / stride + 1;
    }

    private int[] outputShape(Tensor input) {
        int[] s = input.shape().clone();
        s[featureDim()] = outputFeatures(s[featureDim()]);
        return s;
    }

    private Tensor asBatch(Tensor input) {
        if (batchMode) {
            Shapes.requireRank("FeatureLPPooling input (batch mode: [B][F][...])", input, 2, 3, 4);
        } else {
            Shapes.requireRank("FeatureLPPooling input ([F][...])", input, 1, 2, 3);
        }
        int batch = batchMode ? input.size(0) : 1;
        int features = input.size(featureDim());
        long rest = input.numel() / Math.max(1L, (long) batch * features);
        return input.view(batch, features, (int) rest);
    }

    @Override
    public String toString() {
        return "FeatureLPPooling(width=" + width + ", stride=" + stride + ", p=" + power + (batchMode ? ", batch" : "") + ")";
    }
}
