package dev.kindling.core.nn;

import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

/** max(0, x), elementwise. */
public final class ReLU extends Module<Tensor> {

    @Override
    public Tensor forward(Tensor input) {
        Tensor out = input.zerosLike();
        input.backend().elementwise().relu(input, out);
        return out;
    }

    @Override
    public Tensor backward(Tensor input, Tensor gradOutput) {
        Shapes.requireSameShape("ReLU gradOutput vs input", gradOutput, input);
        Tensor gradInput = input.zerosLike();
        input.backend().elementwise().reluBackward(input, gradOutput, gradInput);
        return gradInput;
    }
}
