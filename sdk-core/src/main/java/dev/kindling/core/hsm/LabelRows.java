package dev.kindling.core.hsm;

import dev.kindling.core.backend.Backends;
import dev.kindling.core.backend.HostKernels;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * One weight row and one fixed bias per class, for output layers that score every class ({@link FullSoftmax},
 * {@link IndependentLogistic}): score(k) = bias[k] + weight[k]·x. The biases are prior log-odds, not trained:
 * 0 for the classes a model was built with (fastText's models have none), and for a class added while the
 * model serves, {@link #NEW_CLASS_BIAS} until the class is first trained. Grows while readers score: a
 * reader takes one {@link View} and works on it alone.
 */
final class LabelRows {

    /** Bias of a class added to a live model, low enough that it cannot win until trained. */
    static final float NEW_CLASS_BIAS = -30f;

    private static final HostKernels KERNELS = Backends.cpu().kernels();

    /** The rows and biases one call works on. */
    record View(Tensor weight, Tensor bias, int classes, int dim) {

        float score(int k, MemorySegment x, long xOff) {
            return bias.segment().getAtIndex(JAVA_FLOAT, bias.offset() + k)
                    + KERNELS.dot(weight.segment(), weight.offset() + (long) k * dim, x, xOff, dim);
        }

        /** out[k] = score(k) for every class. */
        void scores(MemorySegment x, long xOff, float[] out) {
            for (int k = 0; k < classes; k++) {
                out[k] = score(k, x, xOff);
            }
        }

        float bias(int k) {
            return bias.segment().getAtIndex(JAVA_FLOAT, bias.offset() + k);
        }

        /** g += delta · weight[k]; then weight[k] −= lr · delta · x: one SGD step on row k with the input gradient. */
        void gradAndUpdate(int k, float delta, float lr, MemorySegment x, long xOff, MemorySegment g, long gOff) {
            long row = weight.offset() + (long) k * dim;
            KERNELS.axpy(delta, weight.segment(), row, g, gOff, dim);
            KERNELS.axpy(-lr * delta, x, xOff, weight.segment(), row, dim);
        }
    }

    private volatile View view;
    private Tensor weightStore, biasStore;

    LabelRows(Tensor weight, Tensor bias) {
        Shapes.requireRank("class weights", weight, 2);
        int n = weight.size(0), d = weight.size(1);
        if (n < 1 || d < 1) {
            throw new IllegalArgumentException("an output layer needs at least one class and one feature, got weights "
                    + Shapes.str(weight.shape()));
        }
        Shapes.requireShape("class biases", bias, n);
        if (!weight.device().isCpu() || !bias.device().isCpu()) {
            throw new IllegalArgumentException("this output layer keeps its weights in host memory, got " + weight.device());
        }
        weightStore = weight;
        biasStore = bias;
        view = new View(weight, bias, n, d);
    }

    View view() {
        return view;
    }

    /** Adds {@code count} classes with zero weights and {@link #NEW_CLASS_BIAS}; returns the first new id. */
    synchronized int add(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("cannot add " + count + " classes");
        }
        View v = view;
        int n = v.classes() + count;
        weightStore = GrowableRows.ensureRows(weightStore, n);
        biasStore = GrowableRows.ensureRows(biasStore, n);
        for (int k = v.classes(); k < n; k++) {
            biasStore.setFlat(k, NEW_CLASS_BIAS);
        }
        view = new View(weightStore.narrow(0, n), biasStore.narrow(0, n), n, v.dim());
        return v.classes();
    }

    /** A class still at {@link #NEW_CLASS_BIAS} gets {@code bias} when training first reaches it. */
    synchronized void prepareToTrain(int k, float bias) {
        View v = view;
        if (v.bias(k) == NEW_CLASS_BIAS) {
            v.bias().setFlat(k, bias);
        }
    }
}
