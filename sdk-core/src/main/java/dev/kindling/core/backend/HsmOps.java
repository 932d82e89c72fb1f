package dev.kindling.core.backend;

import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;

/**
 * Two-level hierarchical softmax kernels: log p(k | x) = log p(cluster(k) | x) + log p(k | cluster(k), x),
 * each a softmax of affine scores. Per example only the cluster layer (C × d) and the target cluster's
 * class rows are read or written, so cost grows with C + cluster size instead of the class count.
 * Inputs are [batch, d]; targets hold class ids already checked to be in range.
 */
public interface HsmOps {

    /** out[b] = log p(targets[b] | input[b]). */
    void targetLogProbs(HsmTables t, Tensor input, IndexTensor targets, Tensor out);

    /** out[b, c] = log p(cluster c | input[b]); out is [batch, C]. */
    void clusterLogProbs(HsmTables t, Tensor input, Tensor out);

    /**
     * out[j] = log p(member j of {@code cluster} | cluster, input[example]) for j below the cluster's size
     * (out holds at least that many elements).
     */
    void memberLogProbs(HsmTables t, Tensor input, int example, int cluster, Tensor out);

    /**
     * Backward of loss[b] = −log p(targets[b] | input[b]) scaled by gradOutput[b]: overwrites gradInput
     * [batch, d], adds the cluster-layer gradients to the dense clusterWeightGrad (C × d) and
     * clusterBiasGrad (C), and returns the class-layer gradients, which touch only the rows of the
     * target clusters' classes.
     */
    ClassGradients backward(HsmTables t, Tensor input, IndexTensor targets, Tensor gradOutput, Tensor gradInput,
                            Tensor clusterWeightGrad, Tensor clusterBiasGrad);

    /**
     * One SGD step applied straight into the weights, no gradient buffers: for each example in turn,
     * computes its loss into lossOut[b] and its input gradient into gradInput[b] (with the weights before
     * its own update), then subtracts lr · gradient from every cluster row and from the target cluster's
     * class rows. Concurrent calls on shared tables are allowed (lock-free, Hogwild style).
     */
    void trainStep(HsmTables t, Tensor input, IndexTensor targets, float lr, Tensor gradInput, Tensor lossOut);

    /**
     * A training thread's own direct-update trainer over {@code t}, for Hogwild training ({@code publishEvery}
     * &ge; 1, checked by the caller). The default applies {@link #trainStep} to every example, so nothing is
     * ever pending. A backend may instead keep the cluster layer, which every example of every thread writes
     * in full, in a per-thread copy and publish its changes to the shared one every {@code publishEvery}
     * examples (see the CPU backend); the trainer must then be flushed at the end.
     */
    default ThreadTrainer threadTrainer(HsmTables t, int publishEvery) {
        return (ThreadTrainer.Direct) (input, targets, lr, gradInput, lossOut) -> trainStep(t, input, targets, lr, gradInput, lossOut);
    }

    /** Row-sparse gradients of the class weights (N × d) and class biases (N × 1). */
    record ClassGradients(RowSparse weight, RowSparse bias) {
    }
}
