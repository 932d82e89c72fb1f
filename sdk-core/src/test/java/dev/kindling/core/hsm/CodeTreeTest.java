package dev.kindling.core.hsm;

import org.junit.jupiter.api.Test;

import java.util.PriorityQueue;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodeTreeTest {

    /** Zipf-like counts with ties, shuffled so class id and frequency are unrelated. */
    static long[] zipfCounts(int n, long seed) {
        Random rng = new Random(seed);
        long[] c = new long[n];
        for (int k = 0; k < n; k++) {
            c[k] = Math.max(1, (long) (5000.0 / (1 + rng.nextInt(n))));
        }
        return c;
    }

    /** The optimal expected code length × total weight, computed independently: the sum of all Huffman merge weights. */
    static long optimalCost(long[] counts) {
        PriorityQueue<Long> q = new PriorityQueue<>();
        for (long c : counts) {
            q.add(Math.max(1, c));
        }
        long cost = 0;
        while (q.size() > 1) {
            long m = q.poll() + q.poll();
            cost += m;
            q.add(m);
        }
        return cost;
    }

    /** Walks from the root along a class's recorded turns using only the child arrays, and returns the leaf reached. */
    static int walk(CodeTree t, int cls) {
        int at = t.root();
        int[] nodes = t.pathNodesShared();
        boolean[] right = t.pathRightShared();
        for (int p = t.pathStart(cls); p < t.pathStart(cls) + t.depth(cls); p++) {
            assertEquals(at, nodes[p], "path of class " + cls + " leaves the tree");
            int child = right[p] ? t.right(at) : t.left(at);
            if (child < 0) {
                assertEquals(t.pathStart(cls) + t.depth(cls) - 1, p, "path of class " + cls + " reaches a leaf early");
                return -1 - child;
            }
            at = child;
        }
        return t.depth(cls) == 0 ? 0 : Integer.MIN_VALUE;
    }

    static void assertValidPrefixCode(CodeTree t) {
        double kraft = 0;
        for (int k = 0; k < t.classes(); k++) {
            assertEquals(k, walk(t, k), "class " + k + " is not at the end of its path");
            kraft += Math.pow(2, -t.depth(k));
        }
        // A full binary tree (every node has two children) makes the Kraft sum exactly 1.
        assertEquals(1.0, kraft, 1e-9);
    }

    @Test
    void huffmanTreeIsAnOptimalPrefixCode() {
        for (int n : new int[]{1, 2, 3, 7, 1000, 20_484}) {
            long[] counts = zipfCounts(n, n);
            CodeTree t = CodeTree.huffman(counts);
            assertEquals(n, t.classes());
            assertEquals(n - 1, t.nodes());
            assertValidPrefixCode(t);
            long cost = 0;
            for (int k = 0; k < n; k++) {
                cost += counts[k] * t.depth(k);
            }
            assertEquals(optimalCost(counts), cost, "n=" + n);
            // More frequent never deeper.
            for (int trial = 0; trial < 2000 && n > 1; trial++) {
                int a = (trial * 7919) % n, b = (trial * 104_729 + 13) % n;
                if (counts[a] > counts[b]) {
                    assertTrue(t.depth(a) <= t.depth(b), "class " + a + " (" + counts[a] + ") deeper than " + b + " (" + counts[b] + ")");
                }
            }
        }
    }

    @Test
    void singleClassHasAnEmptyPath() {
        CodeTree t = CodeTree.huffman(new long[]{5});
        assertEquals(-1, t.root());
        assertEquals(0, t.depth(0));
        assertEquals(0, t.nodes());
    }

    @Test
    void rebuildingFromChildArraysGivesTheSameTree() {
        CodeTree t = CodeTree.huffman(zipfCounts(300, 3));
        CodeTree back = CodeTree.of(t.leftArray(), t.rightArray(), t.weightsArray());
        assertEquals(t.root(), back.root());
        assertArrayEquals(t.pathNodesShared(), back.pathNodesShared());
        assertArrayEquals(t.pathRightShared(), back.pathRightShared());
    }

    @Test
    void growingKeepsOldPathsAsPrefixesAndDepthLogarithmic() {
        CodeTree t = CodeTree.huffman(zipfCounts(100, 4));
        int maxBefore = t.maxDepth();
        CodeTree g = t;
        for (int i = 0; i < 1000; i++) {
            g = g.withAddedClasses(1);
        }
        assertEquals(1100, g.classes());
        assertValidPrefixCode(g);
        for (int k = 0; k < 100; k++) {
            // An old class keeps its turns; at most some extra left turns at the end (its leaf was split).
            for (int p = 0; p < t.depth(k); p++) {
                assertEquals(t.pathNodesShared()[t.pathStart(k) + p], g.pathNodesShared()[g.pathStart(k) + p]);
                assertEquals(t.pathRightShared()[t.pathStart(k) + p], g.pathRightShared()[g.pathStart(k) + p]);
            }
            for (int p = t.depth(k); p < g.depth(k); p++) {
                assertEquals(false, g.pathRightShared()[g.pathStart(k) + p]);
            }
        }
        // 1000 classes added one by one: balanced growth adds ~log2(1000) levels, a chain would add 1000.
        assertTrue(g.maxDepth() <= maxBefore + 12, "depth " + maxBefore + " -> " + g.maxDepth());
        // The new classes (weight 1) grow a balanced subtree under the one lightest old leaf; no other old class moves.
        int moved = 0;
        for (int k = 0; k < 100; k++) {
            if (g.depth(k) != t.depth(k)) {
                moved++;
                assertEquals(t.depth(k) + 1, g.depth(k), "class " + k);
            }
        }
        assertEquals(1, moved);
        CodeTree many = CodeTree.huffman(new long[]{3}).withAddedClasses(64);
        assertValidPrefixCode(many);
        assertTrue(many.maxDepth() <= 8, "depth " + many.maxDepth());
    }

    @Test
    void malformedTreesAreRejectedWithTheReason() {
        long[] w = {1, 1, 1};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CodeTree.of(new int[]{-1, 0}, new int[]{-1, -3}, w))
                .getMessage().contains("repeated leaf class 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CodeTree.of(new int[]{1, 0}, new int[]{-1, -2}, w))
                .getMessage().contains("no root"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CodeTree.of(new int[]{-1, -2}, new int[]{-3, -1}, w))
                .getMessage().contains("two roots"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CodeTree.of(new int[]{-1, 0}, new int[]{-9, -3}, w))
                .getMessage().contains("outside a tree of 3 classes"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CodeTree.of(new int[]{-1}, new int[]{-2}, w))
                .getMessage().contains("needs 2 internal nodes"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CodeTree.of(new int[]{-1, 0}, new int[]{-2, -3}, new long[]{1, 0, 1}))
                .getMessage().contains("weight 0"));
        assertThrows(IllegalArgumentException.class, () -> CodeTree.huffman(new long[0]));
        assertThrows(IllegalArgumentException.class, () -> CodeTree.huffman(new long[]{1, 2}).withAddedClasses(-1));
    }
}
