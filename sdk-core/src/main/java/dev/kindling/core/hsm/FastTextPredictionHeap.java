package dev.kindling.core.hsm;

import java.util.Arrays;

/**
 * The bounded heap fastText's predictions go through, with the exact element moves of the C++ standard
 * library's heap operations as GCC's libstdc++ performs them (push: sift the new element up; pop: move the
 * hole from the root down along the preferred child, then sift the last element up into it; sort: pop until
 * one is left), ordered by score alone. Equal scores are common with fastText's tabulated sigmoid, and which
 * of them fastText reports, and in which order, follows from these moves; reproducing them makes the labels
 * equal even for ties.
 */
final class FastTextPredictionHeap {

    private final int k;
    private float[] score;
    private int[] cls;
    private int size;

    FastTextPredictionHeap(int k) {
        this.k = k;
        this.score = new float[k + 1];
        this.cls = new int[k + 1];
    }

    int size() {
        return size;
    }

    boolean full() {
        return size == k;
    }

    /** The lowest score held (the heap's front). */
    float front() {
        return score[0];
    }

    /** fastText's comparison: a goes before b in the heap order when its score is greater. */
    private boolean before(float a, float b) {
        return a > b;
    }

    /** Adds an entry; when more than k are held, drops the front (fastText's push_back, push_heap, pop_heap, pop_back). */
    void push(float s, int c) {
        score[size] = s;
        cls[size] = c;
        size++;
        siftUp(size - 1, 0, s, c);
        if (size > k) {
            popInto(size - 1);
            size--;
        }
    }

    private void siftUp(int hole, int top, float s, int c) {
        int parent = (hole - 1) / 2;
        while (hole > top && before(score[parent], s)) {
            score[hole] = score[parent];
            cls[hole] = cls[parent];
            hole = parent;
            parent = (hole - 1) / 2;
        }
        score[hole] = s;
        cls[hole] = c;
    }

    /** Moves the front to position {@code last} and restores the heap on [0, last). */
    private void popInto(int last) {
        if (last < 1) {
            return;
        }
        float s = score[last];
        int c = cls[last];
        score[last] = score[0];
        cls[last] = cls[0];
        adjust(0, last, s, c);
    }

    private void adjust(int hole, int len, float s, int c) {
        int top = hole, child = hole;
        while (child < (len - 1) / 2) {
            child = 2 * (child + 1);
            if (before(score[child], score[child - 1])) {
                child--;
            }
            score[hole] = score[child];
            cls[hole] = cls[child];
            hole = child;
        }
        if ((len & 1) == 0 && child == (len - 2) / 2) {
            child = 2 * (child + 1);
            score[hole] = score[child - 1];
            cls[hole] = cls[child - 1];
            hole = child - 1;
        }
        siftUp(hole, top, s, c);
    }

    /** The entries best first, as fastText's sort_heap leaves them; the heap is consumed. */
    TopK sorted() {
        for (int last = size - 1; last > 0; last--) {
            popInto(last);
        }
        return new TopK(Arrays.copyOf(cls, size), Arrays.copyOf(score, size));
    }
}
