package dev.kindling.core.nn;

import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

/** log(softmax(x)) over the last dimension of a [classes] or [batch, classes] input. */
public final class LogSoftMax extends Module<Tensor> {

    @Override
    public Tensor forward(Tensor input) {
        Shapes.requireRank("LogSoftMax input", input, 1, 2);
        Tensor out = input.zerosLike();
        input.backend().elementwise().logSoftmax(input, out);
        return out;
    }

    @Override
    public Tensor backward(Tensor input, Tensor gradOutput) {
        Shapes.requireSameShape("LogSoftMax gradOutput vs input", gradOutput, input);
        Tensor gradInput = input.zerosLike();
        input.backend().elementwise().logSoftmaxBackward(forward(input), gradOutput, gradInput);
        return gradInput;
    }
}
