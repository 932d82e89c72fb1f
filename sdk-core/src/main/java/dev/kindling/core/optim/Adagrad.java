package dev.kindling.core.optim;

import dev.kindling.core.nn.Parameter;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;

import java.util.List;

/**
 * Adagrad: per-element learning rates from the running sum of squared gradients. Row-sparse gradients
 * update only their rows' parameters and sums.
 */
public final class Adagrad extends Optimizer {

    private final float lr;
    private final float eps;
    private final float weightDecay;
    private final float initialAccumulator;

    public Adagrad(List<Parameter> parameters, float lr) {
        this(parameters, lr, 1e-10f, 0f, 0f);
    }

    public Adagrad(List<Parameter> parameters, float lr, float eps, float weightDecay, float initialAccumulator) {
        super(parameters);
        this.lr = requireNonNegative("Adagrad learning rate", lr);
        this.eps = requireNonNegative("Adagrad eps", eps);
        this.weightDecay = requireNonNegative("Adagrad weight decay", weightDecay);
        this.initialAccumulator = requireNonNegative("Adagrad initial accumulator", initialAccumulator);
    }

    @Override
    protected void updateDense(Tensor value, Tensor grad, Parameter p) {
        value.backend().optim().adagrad(value, grad, state(p, initialAccumulator), lr, eps, weightDecay);
    }

    @Override
    protected void updateRows(Tensor value, RowSparse grad, Parameter p) {
        value.backend().optim().adagradRows(value, grad, state(p, initialAccumulator), lr, eps, weightDecay);
    }
}
