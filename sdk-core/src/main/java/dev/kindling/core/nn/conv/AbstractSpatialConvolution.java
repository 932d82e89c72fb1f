package dev.kindling.core.nn.conv;

import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.nn.Module;
import dev.kindling.core.nn.Parameter;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

import java.util.Random;

/**
 * What every 2-d convolution shares: parameters (weight nOut × nIn × kH × kW, bias nOut, uniform in
 * ±1/√(nIn·kH·kW) like Torch), shape checks and the batch/non-batch handling. Input [nIn, H, W] or
 * [B, nIn, H, W]; output [(B,) nOut, H', W'] with H' = (H + 2·padH − kH) / dH + 1 (cross-correlation).
 * Subclasses choose how the convolution is computed.
 */
public abstract class AbstractSpatialConvolution extends Module<Tensor> {

    protected final int nIn;
    protected final int nOut;
    protected final ConvGeometry geometry;
    protected final Parameter weight;
    protected final Parameter bias;

    protected AbstractSpatialConvolution(int nIn, int nOut, ConvGeometry geometry, Random rng) {
        if (nIn <= 0 || nOut <= 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " needs nIn > 0 and nOut > 0, got " + nIn + " -> " + nOut);
        }
        this.nIn = nIn;
        this.nOut = nOut;
        this.geometry = geometry;
        float bound = (float) (1.0 / Math.sqrt((double) nIn * geometry.kH() * geometry.kW()));
        this.weight = registerParameter("weight", Tensor.rand(rng, -bound, bound, nOut, nIn, geometry.kH(), geometry.kW()));
        this.bias = registerParameter("bias", Tensor.rand(rng, -bound, bound, nOut));
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public ConvGeometry geometry() {
        return geometry;
    }

    public int inputPlanes() {
        return nIn;
    }

    public int outputPlanes() {
        return nOut;
    }

    /** Computes output [B, nOut, H', W'] (zero on entry) from input [B, nIn, H, W]. */
    protected abstract void computeForward(Tensor input, Tensor output);

    /** Writes gradInput and adds to gradWeight and gradBias. */
    protected abstract void computeBackward(Tensor input, Tensor gradOutput, Tensor gradInput, Tensor gradWeight, Tensor gradBias);

    @Override
    public final Tensor forward(Tensor input) {
        Tensor x = asBatch(input);
        Tensor out = Tensor.zeros(input.device(), x.size(0), nOut, geometry.outHeight(x.size(2)), geometry.outWidth(x.size(3)));
        computeForward(x, out);
        return input.dim() == 3 ? out.view(nOut, out.size(2), out.size(3)) : out;
    }

    @Override
    public final Tensor backward(Tensor input, Tensor gradOutput) {
        Tensor x = asBatch(input);
        int oh = geometry.outHeight(x.size(2)), ow = geometry.outWidth(x.size(3));
        Shapes.requireShape(getClass().getSimpleName() + " gradOutput", gradOutput.view(-1, nOut, oh, ow), x.size(0), nOut, oh, ow);
        Tensor gradInput = x.zerosLike();
        computeBackward(x, gradOutput.view(x.size(0), nOut, oh, ow), gradInput, weight.grad(), bias.grad());
        return gradInput.view(input.shape());
    }

    /** The input as [B, nIn, H, W], validated. */
    protected final Tensor asBatch(Tensor input) {
        Shapes.requireRank(getClass().getSimpleName() + " input", input, 3, 4);
        int planes = input.size(-3);
        if (planes != nIn) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " expects " + nIn + " input planes, got shape "
                    + Shapes.str(input.shape()));
        }
        Shapes.requireSameDevice(getClass().getSimpleName() + " input and weight", input, weight.value());
        return input.dim() == 3 ? input.view(1, nIn, input.size(1), input.size(2)) : input;
    }

    @Override
    public String toString() {
        ConvGeometry g = geometry;
        return getClass().getSimpleName() + "(" + nIn + " -> " + nOut + ", " + g.kW() + "x" + g.kH()
                + (g.unitStride() ? "" : ", stride " + g.dW() + "," + g.dH())
                + (g.padW() == 0 && g.padH() == 0 ? "" : ", pad " + g.padW() + "," + g.padH()) + ")";
    }
}
