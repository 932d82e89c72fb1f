package dev.kindling.core.hsm;

import java.util.Arrays;

/**
 * The k best (class, score) pairs offered so far: a bounded min-heap on (score, −class) whose root is the
 * entry to drop first, so ties keep the smaller class id. {@link #sorted} lists them best first.
 */
final class TopKHeap {

    private final int[] cls;
    private final float[] score;
    private int size;

    TopKHeap(int k) {
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
    private static boolean below(float sa, int ca, float sb, int cb) {
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

    /** The entries, best first; the heap is consumed. */
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
