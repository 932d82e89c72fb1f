package dev.kindling.core.optim;

import dev.kindling.core.nn.Parameter;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;

import java.util.List;

/**
 * Stochastic gradient descent with optional momentum (PyTorch's formulation, Nesterov optional) and
 * L2 weight decay. For row-sparse gradients both momentum and weight decay are applied lazily, to the
 * touched rows only: that is what keeps an update of a million-row table proportional to the batch.
 */
public final class Sgd extends Optimizer {

    private float lr;
    private final float momentum;
    private final float dampening;
    private final float weightDecay;
    private final boolean nesterov;

    public Sgd(List<Parameter> parameters, float lr) {
        this(parameters, lr, 0f, 0f, 0f, false);
    }

    public Sgd(List<Parameter> parameters, float lr, float momentum, float dampening, float weightDecay, boolean nesterov) {
        super(parameters);
        this.lr = requireNonNegative("Sgd learning rate", lr);
        this.momentum = requireNonNegative("Sgd momentum", momentum);
        this.dampening = requireNonNegative("Sgd dampening", dampening);
        this.weightDecay = requireNonNegative("Sgd weight decay", weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum needs momentum > 0 and dampening 0, got momentum=" + momentum
                    + " dampening=" + dampening);
        }
        this.nesterov = nesterov;
    }

    public float learningRate() {
        return lr;
    }

    public void setLearningRate(float lr) {
        this.lr = requireNonNegative("Sgd learning rate", lr);
    }

    @Override
    protected void updateDense(Tensor value, Tensor grad, Parameter p) {
        boolean first = momentum > 0 && !hasState(p);
        Tensor buf = momentum > 0 ? state(p, 0f) : null;
        value.backend().optim().sgd(value, grad, buf, first, lr, momentum, dampening, weightDecay, nesterov);
    }

    @Override
    protected void updateRows(Tensor value, RowSparse grad, Parameter p) {
        Tensor buf = momentum > 0 ? state(p, 0f) : null;
        value.backend().optim().sgdRows(value, grad, buf, lr, momentum, dampening, weightDecay, nesterov);
    }
}
