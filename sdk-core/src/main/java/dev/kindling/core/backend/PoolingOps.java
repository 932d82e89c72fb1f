package dev.kindling.core.backend;

import dev.kindling.core.tensor.Tensor;

/**
 * Pooling and normalization ops. Tensors are batched and contiguous; modules validate arguments.
 * Outputs and gradInputs are overwritten. Backward ops recompute the selection (argmax, top-k) from
 * the input, so forward keeps no state.
 */
public interface PoolingOps {

    /** input [B, T, F] → output [B, T', F], T' = (T - kW) / dW + 1, max over each time window. */
    void temporalMaxForward(Tensor input, int kW, int dW, Tensor output);

    void temporalMaxBackward(Tensor input, Tensor gradOutput, int kW, int dW, Tensor gradInput);

    /** input [B, T, F] → output [B, k, F]: the k largest values of each feature over time, in time order. */
    void kMaxForward(Tensor input, int k, Tensor output);

    void kMaxBackward(Tensor input, Tensor gradOutput, int k, Tensor gradInput);

    /**
     * input [B, F, R] → output [B, F', R], F' = (F - width) / stride + 1:
     * y = (Σ over the window of |x|^p)^(1/p); p = +∞ gives max |x|.
     */
    void featureLpForward(Tensor input, int width, int stride, float power, Tensor output);

    void featureLpBackward(Tensor input, Tensor output, Tensor gradOutput, int width, int stride, float power, Tensor gradInput);

    /**
     * Local response normalization across maps, input [B, C, R]:
     * y_c = x_c / (1 + scale/size · Σ_{c' in window(c)} x_c'^2)^power, window [c - size/2, c - size/2 + size).
     */
    void crossMapNormForward(Tensor input, int size, float scale, float power, Tensor output);

    void crossMapNormBackward(Tensor input, Tensor gradOutput, int size, float scale, float power, Tensor gradInput);
}
