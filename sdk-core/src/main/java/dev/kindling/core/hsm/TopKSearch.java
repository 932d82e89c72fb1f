package dev.kindling.core.hsm;

import dev.kindling.core.backend.HsmOps;
import dev.kindling.core.backend.HsmTables;
import dev.kindling.core.tensor.Tensor;

import java.util.Arrays;

/**
 * Exact top-k without scoring every class. Clusters are visited in descending probability; since
 * p(class) = p(cluster) · p(class | cluster) ≤ p(cluster), the search stops at the first cluster whose
 * probability is below the k-th best class found so far. Keeps no state between calls.
 */
final class TopKSearch {

    private TopKSearch() {
    }

    static TopK search(HsmOps ops, HsmTables t, Tensor input, int example, int k) {
        int nc = t.clusters();
        Tensor clusterLp = Tensor.zeros(input.device(), 1, nc);
        ops.clusterLogProbs(t, input.narrow(example, 1), clusterLp);
        float[] clp = clusterLp.toArray();
        Integer[] order = new Integer[nc];
        for (int c = 0; c < nc; c++) {
            order[c] = c;
        }
        Arrays.sort(order, (a, b) -> clp[a] != clp[b] ? Float.compare(clp[b], clp[a]) : Integer.compare(a, b));
        Heap heap = new Heap(k);
        Tensor memberLp = Tensor.zeros(input.device(), Math.max(1, t.maxClusterSize()));
        int[] members = t.members();
        for (int oi = 0; oi < nc; oi++) {
            int c = order[oi];
            if (heap.full() && clp[c] < heap.minScore()) {
                break;
            }
            ops.memberLogProbs(t, input, example, c, memberLp);
            int start = t.memberStart()[c], n = t.clusterSize(c);
            // One transfer per cluster (the scores may live on a GPU), not one per element.
            float[] lp = memberLp.narrow(0, n).toArray();
            for (int j = 0; j < n; j++) {
                heap.offer(members[start + j], clp[c] + lp[j]);
            }
        }
        return heap.sorted();
    }

    /** A bounded min-heap on (score, −class): the root is the entry to drop first. */
    private static final class Heap {
        private final int[] cls;
        private final float[] score;
        private int size;

        Heap(int k) {
            cls = new int[k];
            score = new float[k];
        }

        boolean full() {
            return size == cls.length;
        }

        float minScore() {
            return score[0];
        }

        /** a ranks below b: lower score, or equal score and larger class id. */
        private boolean below(float sa, int ca, float sb, int cb) {
            return sa < sb || (sa == sb && ca > cb);
        }

        void offer(int c, float s) {
            if (!full()) {
                int i = size++;
                cls[i] = c;
                score[i] = s;
                while (i > 0) {
                    int parent = (i - 1) / 2;
                    if (!below(score[i], cls[i], score[parent], cls[parent])) {
                        break;
                    }
                    swap(i, parent);
                    i = parent;
                }
            } else if (below(score[0], cls[0], s, c)) {
                cls[0] = c;
                score[0] = s;
                siftDown(0, size);
            }
        }

        private void siftDown(int i, int n) {
            while (true) {
                int l = 2 * i + 1, r = l + 1, m = i;
                if (l < n && below(score[l], cls[l], score[m], cls[m])) {
                    m = l;
                }
                if (r < n && below(score[r], cls[r], score[m], cls[m])) {
                    m = r;
                }
                if (m == i) {
                    return;
                }
                swap(i, m);
                i = m;
            }
        }

        private void swap(int a, int b) {
            int c = cls[a];
            cls[a] = cls[b];
            cls[b] = c;
            float s = score[a];
            score[a] = score[b];
            score[b] = s;
        }

        TopK sorted() {
            int n = size;
            // Heap sort in place: repeatedly move the worst entry to the end.
            for (int end = n - 1; end > 0; end--) {
                swap(0, end);
                siftDown(0, end);
            }
            return new TopK(Arrays.copyOf(cls, n), Arrays.copyOf(score, n));
        }
    }
}
