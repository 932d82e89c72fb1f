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
        Tensor logProbs = logSoftMax.forward(input);
        return logSoftMax.backward(input, nll.backward(logProbs, target));
    }
}
