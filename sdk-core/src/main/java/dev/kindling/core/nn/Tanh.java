package dev.kindling.core.nn;

import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

/** tanh(x), elementwise. Backward recomputes the output rather than keeping it (stateless forward). */
public final class Tanh extends Module<Tensor> {

    @Override
    public Tensor forward(Tensor input) {
        Tensor out = input.zerosLike();
        input.backend().elementwise().tanh(input, out);
        return out;
    }

    @Override
    public Tensor backward(Tensor input, Tensor gradOutput) {
        Shapes.requireSameShape("Tanh gradOutput vs input", gradOutput, input);
        Tensor gradInput = input.zerosLike();
        input.backend().elementwise().tanhBackward(forward(input), gradOutput, gradInput);
        return gradInput;
    }
}
