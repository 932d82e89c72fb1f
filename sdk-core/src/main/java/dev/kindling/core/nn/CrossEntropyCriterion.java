package dev.kindling.core.nn;

import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;

/** {@link LogSoftMax} followed by {@link ClassNLLCriterion}, on raw scores. */
public final class CrossEntropyCriterion implements Criterion {

    private final LogSoftMax logSoftMax = new LogSoftMax();
    private final ClassNLLCriterion nll;

    public CrossEntropyCriterion() {
        this(new ClassNLLCriterion());
    }

    public CrossEntropyCriterion(ClassNLLCriterion nll) {
        this.nll = nll;
    }

    @Override
    public float forward(Tensor input, IndexTensor target) {
        return nll.forward(logSoftMax.forward(input), target);
    }

    @Override
    public Tensor backward(Tensor input, IndexTensor target) {
        // One log-softmax pass serves both the NLL gradient and the softmax backward.
        Tensor logProbs = logSoftMax.forward(input);
        Tensor gradLogProbs = nll.backward(logProbs, target);
        Tensor gradInput = input.zerosLike();
        input.backend().elementwise().logSoftmaxBackward(logProbs, gradLogProbs, gradInput);
        return gradInput;
    }
}
