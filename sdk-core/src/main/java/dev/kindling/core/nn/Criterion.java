package dev.kindling.core.nn;

import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;

/** A loss over class targets, Torch style: {@code forward} gives the loss, {@code backward} its gradient. */
public interface Criterion {

    /** The loss of {@code input} against the class ids {@code target}. */
    float forward(Tensor input, IndexTensor target);

    /** The gradient of {@link #forward}'s loss with respect to {@code input}. */
    Tensor backward(Tensor input, IndexTensor target);
}
