package dev.kindling.core.nn;

import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.tensor.TensorSlicing;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies every child to the same input and concatenates their outputs along {@code dimension} (Torch's
 * {@code nn.Concat}). The input gradient is the sum of the children's input gradients, in child order.
 */
public final class Concat extends Module<Tensor> {

    private final int dimension;
    private final List<Module<Tensor>> members = new ArrayList<>();
    private Tensor cachedInput;
    private int[] cachedSizes;

    public Concat(int dimension) {
        if (dimension < 0) {
            throw new IllegalArgumentException("Concat dimension must be >= 0, got " + dimension);
        }
        this.dimension = dimension;
    }

    public Concat add(Module<Tensor> child) {
        if (child == null) {
            throw new IllegalArgumentException("Concat child is null");
        }
        members.add(registerChild(String.valueOf(members.size()), child));
        return this;
    }

    public int dimension() {
        return dimension;
    }

    public int size() {
        return members.size();
    }

    @Override
    public Tensor forward(Tensor input) {
        requireChildren();
        List<Tensor> outs = new ArrayList<>(members.size());
        for (Module<Tensor> m : members) {
            outs.add(m.forward(input));
        }
        Tensor out = join(outs, dimension, input);
        if (isTraining()) {
            cachedInput = input;
            cachedSizes = sizes(outs, dimension);
        }
        return out;
    }

    @Override
    public Tensor backward(Tensor input, Tensor gradOutput) {
        requireChildren();
        int[] sizes = input == cachedInput && cachedSizes != null ? cachedSizes : null;
        cachedInput = null;
        cachedSizes = null;
        if (sizes == null) {
            List<Tensor> outs = new ArrayList<>(members.size());
            for (Module<Tensor> m : members) {
                outs.add(m.forward(input));
            }
            sizes = sizes(outs, dimension);
        }
        requireGradOutput(gradOutput, dimension, sizes);
        Tensor gradInput = null;
        int at = 0;
        for (int i = 0; i < members.size(); i++) {
            Tensor g = TensorSlicing.slice(gradOutput, dimension, at, sizes[i], gradOutput.device());
            at += sizes[i];
            Tensor gi = members.get(i).backward(input, g);
            if (gradInput == null) {
                gradInput = gi.copy();
            } else {
                gradInput.backend().blas().axpy(1f, gi, gradInput);
            }
        }
        return gradInput;
    }

    /** Concatenates children's outputs on the input's device, naming the problem when a child's output does not fit. */
    static Tensor join(List<Tensor> outs, int dimension, Tensor input) {
        for (int i = 0; i < outs.size(); i++) {
            if (dimension >= outs.get(i).dim()) {
                throw new IllegalArgumentException("concatenation dimension " + dimension + " out of range for the output of child "
                        + i + ", shape " + Shapes.str(outs.get(i).shape()));
            }
        }
        return TensorSlicing.concat(outs, dimension, input.device());
    }

    static int[] sizes(List<Tensor> outs, int dimension) {
        int[] s = new int[outs.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = outs.get(i).size(dimension);
        }
        return s;
    }

    static void requireGradOutput(Tensor gradOutput, int dimension, int[] sizes) {
        int total = 0;
        for (int s : sizes) {
            total += s;
        }
        TensorSlicing.requireDimension("concatenation gradOutput", gradOutput, dimension);
        if (gradOutput.size(dimension) != total) {
            throw new IllegalArgumentException("concatenation gradOutput has " + gradOutput.size(dimension) + " entries along dimension "
                    + dimension + ", the children produced " + total);
        }
    }

    private void requireChildren() {
        if (members.isEmpty()) {
            throw new IllegalStateException("Concat has no children: add(...) at least one");
        }
    }

    @Override
    public String toString() {
        return "Concat(" + dimension + ", " + members + ")";
    }
}
