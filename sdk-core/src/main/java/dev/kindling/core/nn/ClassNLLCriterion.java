package dev.kindling.core.nn;

import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

/**
 * Negative log-likelihood of class targets given log-probabilities ([classes] or [batch, classes]).
 * With {@code sizeAverage} the loss is divided by the summed weights of the targets (Torch's rule);
 * optional per-class weights scale each example.
 */
public final class ClassNLLCriterion implements Criterion {

    private final Tensor classWeights;
    private final boolean sizeAverage;

    public ClassNLLCriterion() {
        this(null, true);
    }

    public ClassNLLCriterion(Tensor classWeights, boolean sizeAverage) {
        if (classWeights != null) {
            Shapes.requireRank("ClassNLLCriterion class weights", classWeights, 1);
            if (!classWeights.allFinite()) {
                throw new IllegalArgumentException("ClassNLLCriterion class weights contain NaN or infinity");
            }
        }
        this.classWeights = classWeights;
        this.sizeAverage = sizeAverage;
    }

    @Override
    public float forward(Tensor input, IndexTensor target) {
        Tensor lp = check(input, target);
        double[] r = new double[2];
        lp.backend().elementwise().classNll(lp, target, classWeights, r);
        double loss = sizeAverage ? (r[1] == 0 ? 0 : r[0] / r[1]) : r[0];
        if (!Double.isFinite(loss) && !input.allFinite()) {
            throw new IllegalArgumentException("ClassNLLCriterion input contains NaN or infinity");
        }
        return (float) loss;
    }

    @Override
    public Tensor backward(Tensor input, IndexTensor target) {
        Tensor lp = check(input, target);
        float scale = 1f;
        if (sizeAverage) {
            double[] r = new double[2];
            lp.backend().elementwise().classNll(lp, target, classWeights, r);
            scale = r[1] == 0 ? 0f : (float) (1.0 / r[1]);
        }
        Tensor grad = lp.zerosLike();
        lp.backend().elementwise().classNllBackward(grad, target, classWeights, scale);
        return grad.view(input.shape());
    }

    private Tensor check(Tensor input, IndexTensor target) {
        Shapes.requireRank("ClassNLLCriterion input", input, 1, 2);
        Tensor lp = input.dim() == 1 ? input.view(1, input.size(0)) : input;
        int classes = lp.size(1);
        if (target.numel() != lp.size(0)) {
            throw new IllegalArgumentException("ClassNLLCriterion: " + lp.size(0) + " rows of scores but " + target.numel() + " targets");
        }
        if (classWeights != null && classWeights.numel() != classes) {
            throw new IllegalArgumentException("ClassNLLCriterion: " + classWeights.numel() + " class weights for " + classes + " classes");
        }
        target.requireRange("ClassNLLCriterion target", classes);
        return lp;
    }
}
