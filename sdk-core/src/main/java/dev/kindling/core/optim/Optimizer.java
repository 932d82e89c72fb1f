package dev.kindling.core.optim;

import dev.kindling.core.nn.Parameter;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their accumulated gradients. Row-sparse gradients update only their rows
 * (and those rows' optimizer state); dense gradients update everything. {@link #step()} does not clear
 * gradients: call {@link #zeroGrad()} (or the module's {@code zeroGradParameters()}) between steps.
 */
public abstract class Optimizer {

    private final List<Parameter> parameters;
    private final Map<Parameter, Tensor> state = new IdentityHashMap<>();

    protected Optimizer(List<Parameter> parameters) {
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " was given no parameters to optimize");
        }
        this.parameters = List.copyOf(parameters);
    }

    public List<Parameter> parameters() {
        return parameters;
    }

    /** Applies one update to every parameter that has a gradient. */
    public void step() {
        for (Parameter p : parameters) {
            RowSparse sparse = p.sparseGrad();
            if (sparse != null) {
                updateRows(p.value(), sparse, p);
            }
            if (p.hasDenseGrad()) {
                updateDense(p.value(), p.grad(), p);
            }
        }
    }

    public void zeroGrad() {
        parameters.forEach(Parameter::zeroGrad);
    }

    /** Per-parameter state of the parameter's shape (momentum buffer, squared-gradient sum), created on first use. */
    protected final Tensor state(Parameter p, float initialValue) {
        return state.computeIfAbsent(p, k -> {
            Tensor t = k.value().zerosLike();
            if (initialValue != 0f) {
                t.backend().blas().fill(t, initialValue);
            }
            return t;
        });
    }

    protected final boolean hasState(Parameter p) {
        return state.containsKey(p);
    }

    protected abstract void updateDense(Tensor value, Tensor grad, Parameter p);

    protected abstract void updateRows(Tensor value, RowSparse grad, Parameter p);

    static float requireNonNegative(String what, float v) {
        if (!(v >= 0) || !Float.isFinite(v)) {
            throw new IllegalArgumentException(what + " must be a finite number >= 0, got " + v);
        }
        return v;
    }
}
