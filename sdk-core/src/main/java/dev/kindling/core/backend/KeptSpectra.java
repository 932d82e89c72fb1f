package dev.kindling.core.backend;

import dev.kindling.core.tensor.Tensor;

import java.util.function.Predicate;

/**
 * What an {@link FftConvWorkspace} knows about the spectra it holds, whatever memory they live in: which
 * input and weight tensors they came from, with which geometry and transform plan {@code P}, and how many
 * batched transforms the workspace has run. Backends keep the buffers; this keeps the bookkeeping. Not
 * thread-safe: the workspace's own lock guards it.
 */
public final class KeptSpectra<P> {

    private TensorIdentity input;
    private TensorIdentity weight;
    private ConvGeometry geometry;
    private P plan;
    private long transforms;

    /** The buffers now hold the spectra of {@code in} (padded by {@code g}) and {@code w}, computed with {@code p}. */
    public void keep(Tensor in, Tensor w, ConvGeometry g, P p) {
        input = TensorIdentity.of(in);
        weight = TensorIdentity.of(w);
        geometry = g;
        plan = p;
    }

    /** Whether the held input spectra are those of {@code in} with geometry {@code g} and plan {@code p}. */
    public boolean holdsInput(Tensor in, ConvGeometry g, P p) {
        return input != null && p.equals(plan) && g.equals(geometry) && input.matches(in);
    }

    /** Whether the held weight spectra are those of {@code w}, computed with a plan {@code compatible} accepts. */
    public boolean holdsWeight(Tensor w, Predicate<P> compatible) {
        return weight != null && compatible.test(plan) && weight.matches(w);
    }

    /** The input buffer is about to be overwritten. */
    public void dropInput() {
        input = null;
    }

    /** The weight buffer is about to be overwritten. */
    public void dropWeight() {
        weight = null;
    }

    /** Kept spectra serve one backward: after it the weights are about to change. */
    public void forget() {
        input = null;
        weight = null;
        geometry = null;
        plan = null;
    }

    public void counted(int batchedTransforms) {
        transforms += batchedTransforms;
    }

    public long transforms() {
        return transforms;
    }
}
