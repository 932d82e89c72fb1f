package dev.kindling.core.hsm;

import dev.kindling.core.backend.TreePathKernels;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Exact top-k of a binary-tree softmax by best-first search: subtrees wait in a max-heap keyed by the
 * log-probability of reaching them; since a leaf is never more probable than any node above it, the
 * first k leaves taken from the heap are the k most probable classes. Costs about k × depth node scores
 * instead of one per class. Keeps no state between calls.
 */
final class TreeTopKSearch {

    private TreeTopKSearch() {
    }

    static TopK search(TreePathKernels kernels, CodeTree tree, Tensor weight, Tensor bias, MemorySegment x, long xOff, int k) {
        int[] classes = new int[k];
        float[] logProbs = new float[k];
        if (tree.root() < 0) {
            return new TopK(new int[]{0}, new float[]{0f});
        }
        MaxHeap heap = new MaxHeap(2 * k + 2 * tree.maxDepth() + 2);
        heap.push(0.0, tree.root());
        int found = 0;
        while (found < k) {
            double lp = heap.topKey();
            int item = heap.pop();
            if (item < 0) {
                classes[found] = -1 - item;
                logProbs[found] = (float) lp;
                found++;
                continue;
            }
            double s = kernels.score(weight, bias, item, x, xOff);
            heap.push(lp + TreePathKernels.logSigmoid(s), tree.right(item));
            heap.push(lp + TreePathKernels.logSigmoid(-s), tree.left(item));
        }
        sortTies(classes, logProbs);
        return new TopK(classes, logProbs);
    }

    /** Equal log-probabilities list the smaller class first, as {@link TopK} promises. */
    private static void sortTies(int[] classes, float[] logProbs) {
        for (int i = 1; i < classes.length; i++) {
            for (int j = i; j > 0 && logProbs[j] == logProbs[j - 1] && classes[j] < classes[j - 1]; j--) {
                int c = classes[j];
                classes[j] = classes[j - 1];
                classes[j - 1] = c;
            }
        }
    }

    /** A binary max-heap of (key, item) that grows as needed; ties pop leaves first, smaller classes first. */
    private static final class MaxHeap {
        private double[] key;
        private int[] item;
        private int size;

        MaxHeap(int capacity) {
            key = new double[capacity];
            item = new int[capacity];
        }

        private boolean above(int a, int b) {
            return key[a] > key[b] || (key[a] == key[b] && rank(item[a]) < rank(item[b]));
        }

        /** Tie order: leaves before subtrees, smaller classes first. */
        private static long rank(int it) {
            return it < 0 ? -1L - it : (1L << 32) + it;
        }

        void push(double k, int it) {
            if (size == key.length) {
                key = Arrays.copyOf(key, 2 * size);
                item = Arrays.copyOf(item, 2 * size);
            }
            int i = size++;
            key[i] = k;
            item[i] = it;
            while (i > 0 && above(i, (i - 1) / 2)) {
                swap(i, (i - 1) / 2);
                i = (i - 1) / 2;
            }
        }

        double topKey() {
            return key[0];
        }

        int pop() {
            int top = item[0];
            size--;
            key[0] = key[size];
            item[0] = item[size];
            int i = 0;
            while (true) {
                int l = 2 * i + 1, r = l + 1, best = i;
                if (l < size && above(l, best)) {
                    best = l;
                }
                if (r < size && above(r, best)) {
                    best = r;
                }
                if (best == i) {
                    return top;
                }
                swap(i, best);
                i = best;
            }
        }

        private void swap(int a, int b) {
            double k = key[a];
            key[a] = key[b];
            key[b] = k;
            int t = item[a];
            item[a] = item[b];
            item[b] = t;
        }
    }
}
