package dev.kindling.core.backend;

import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;

/** Pointwise activations, row-wise softmax, and the negative log-likelihood loss. */
public interface ElementwiseOps {

    void relu(Tensor input, Tensor output);

    /** gradInput = gradOutput where input > 0, else 0. */
    void reluBackward(Tensor input, Tensor gradOutput, Tensor gradInput);

    void tanh(Tensor input, Tensor output);

    /** gradInput = gradOutput * (1 - output²), from the forward output. */
    void tanhBackward(Tensor output, Tensor gradOutput, Tensor gradInput);

    /** Row-wise log-softmax of a rows × cols matrix, computed stably (max subtracted). */
    void logSoftmax(Tensor input, Tensor output);

    /** gradInput = gradOutput - exp(output) * rowsum(gradOutput), from the forward output. */
    void logSoftmaxBackward(Tensor output, Tensor gradOutput, Tensor gradInput);

    /**
     * Sum over rows i of -weight[t_i] * logProbs[i, t_i] (weight may be null = all ones), and the sum of
     * the weights used, in {@code out[0]} and {@code out[1]}.
     */
    void classNll(Tensor logProbs, IndexTensor targets, Tensor weights, double[] out);

    /** gradInput = 0 except gradInput[i, t_i] = -scale * weight[t_i]. */
    void classNllBackward(Tensor gradInput, IndexTensor targets, Tensor weights, float scale);
}
