package dev.kindling.core.nn;

import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

/**
 * A learnable tensor and its accumulated gradient. Dense parameters accumulate into a dense gradient of
 * the same shape; row-sparse ones (embedding tables, HSM class weights) accumulate a {@link RowSparse}
 * gradient holding only the rows a batch touched, so optimizers update just those rows.
 */
public final class Parameter {

    private final String name;
    private final boolean sparse;
    private Tensor value;
    private Tensor grad;
    private RowSparse sparseGrad;

    public Parameter(String name, Tensor value, boolean sparse) {
        if (sparse && value.dim() != 2) {
            throw new IllegalArgumentException("row-sparse parameter '" + name + "' must be 2-d, got " + Shapes.str(value.shape()));
        }
        this.name = name;
        this.value = value;
        this.sparse = sparse;
    }

    public String name() {
        return name;
    }

    public Tensor value() {
        return value;
    }

    /** Whether gradients arrive as {@link RowSparse} rows rather than a dense tensor. */
    public boolean isSparse() {
        return sparse;
    }

    /** The dense gradient, allocated (zero) on first use. */
    public Tensor grad() {
        if (grad == null) {
            grad = value.zerosLike();
        }
        return grad;
    }

    /** Whether a dense gradient has been allocated. */
    public boolean hasDenseGrad() {
        return grad != null;
    }

    /** The accumulated row-sparse gradient, or null when none arrived since the last {@link #zeroGrad()}. */
    public RowSparse sparseGrad() {
        return sparseGrad;
    }

    /** Adds a row-sparse gradient to what this parameter has accumulated. */
    public void accumulate(RowSparse g) {
        if (g.totalRows() != value.size(0) || g.dim() != value.size(1)) {
            throw new IllegalArgumentException("gradient rows [" + g.totalRows() + ", " + g.dim() + "] do not match parameter '"
                    + name + "' of shape " + Shapes.str(value.shape()));
        }
        sparseGrad = sparseGrad == null ? g : value.backend().embedding().addRows(sparseGrad, g);
    }

    /**
     * Replaces the accumulated row-sparse gradient with {@code g} (null clears it). Data-parallel
     * containers use this to install the gradient combined over replicas.
     */
    public void setSparseGrad(RowSparse g) {
        if (g != null && (g.totalRows() != value.size(0) || g.dim() != value.size(1))) {
            throw new IllegalArgumentException("gradient rows [" + g.totalRows() + ", " + g.dim() + "] do not match parameter '"
                    + name + "' of shape " + Shapes.str(value.shape()));
        }
        sparseGrad = g;
    }

    public void zeroGrad() {
        sparseGrad = null;
        if (grad != null) {
            grad.backend().blas().fill(grad, 0f);
        }
    }

    /** Replaces the value with {@code newValue} (same shape), e.g. when loading a checkpoint. */
    public void set(Tensor newValue) {
        Shapes.requireShape("new value of parameter '" + name + "'", newValue, value.shape());
        value = newValue.device().equals(value.device()) ? newValue : newValue.to(value.device());
    }

    /**
     * Replaces the value with {@code newValue}, which has at least as many rows as the current value and
     * the same size in every other dimension (growing vocabularies); accumulated gradients are reset.
     */
    public void growRows(Tensor newValue) {
        int[] old = value.shape(), now = newValue.shape();
        boolean ok = old.length == now.length && now[0] >= old[0] && newValue.device().equals(value.device());
        for (int d = 1; ok && d < old.length; d++) {
            ok = old[d] == now[d];
        }
        if (!ok) {
            throw new IllegalArgumentException("parameter '" + name + "' of shape " + Shapes.str(old) + " on " + value.device()
                    + " cannot grow to " + Shapes.str(now) + " on " + newValue.device()
                    + " (only the row count may grow, on the same device)");
        }
        value = newValue;
        grad = null;
        sparseGrad = null;
    }

    void moveTo(Device device) {
        value = value.to(device);
        grad = grad == null ? null : grad.to(device);
        sparseGrad = null;
    }

    @Override
    public String toString() {
        return "Parameter " + name + Shapes.str(value.shape()) + (sparse ? " (row-sparse)" : "") + " on " + value.device();
    }
}
