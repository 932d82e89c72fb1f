package dev.kindling.core.nn;

import dev.kindling.core.backend.BlasOps;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

import java.util.Random;

/**
 * y = x·Wᵀ + b with W of shape out × in. Input [in] or [batch, in]; output [out] or [batch, out].
 * Weights start uniform in ±1/√in (Torch's default).
 */
public final class Linear extends Module<Tensor> {

    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true, new Random());
    }

    public Linear(int inFeatures, int outFeatures, boolean withBias, Random rng) {
        if (inFeatures <= 0 || outFeatures <= 0) {
            throw new IllegalArgumentException("Linear sizes must be positive, got in=" + inFeatures + " out=" + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        float bound = (float) (1.0 / Math.sqrt(inFeatures));
        this.weight = registerParameter("weight", Tensor.rand(rng, -bound, bound, outFeatures, inFeatures));
        this.bias = withBias ? registerParameter("bias", Tensor.rand(rng, -bound, bound, outFeatures)) : null;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = asBatch(input);
        int batch = x.size(0);
        Tensor out = Tensor.zeros(input.device(), batch, outFeatures);
        BlasOps blas = input.backend().blas();
        blas.matmul(false, true, 1f, x, weight.value(), 0f, out);
        if (bias != null) {
            blas.addRowVector(out, bias.value());
        }
        return input.dim() == 1 ? out.view(outFeatures) : out;
    }

    @Override
    public Tensor backward(Tensor input, Tensor gradOutput) {
        Tensor x = asBatch(input);
        int batch = x.size(0);
        Shapes.requireShape("Linear gradOutput", gradOutput.view(-1, outFeatures), batch, outFeatures);
        Tensor g = gradOutput.view(batch, outFeatures);
        BlasOps blas = input.backend().blas();
        Tensor gradInput = Tensor.zeros(input.device(), batch, inFeatures);
        blas.matmul(false, false, 1f, g, weight.value(), 0f, gradInput);
        blas.matmul(true, false, 1f, g, x, 1f, weight.grad());
        if (bias != null) {
            blas.sumRows(1f, g, bias.grad());
        }
        return gradInput.view(input.shape());
    }

    private Tensor asBatch(Tensor input) {
        Shapes.requireRank("Linear input", input, 1, 2);
        if (input.size(-1) != inFeatures) {
            throw new IllegalArgumentException("Linear(" + inFeatures + " -> " + outFeatures + ") expects inputs with "
                    + inFeatures + " features in the last dimension, got shape " + Shapes.str(input.shape()));
        }
        Shapes.requireSameDevice("Linear input and weight", input, weight.value());
        return input.dim() == 1 ? input.view(1, inFeatures) : input;
    }

    @Override
    public String toString() {
        return "Linear(" + inFeatures + " -> " + outFeatures + (bias == null ? ", no bias" : "") + ")";
    }
}
