package dev.kindling.core.fasttext;

import dev.kindling.core.hsm.CodeTree;
import dev.kindling.core.hsm.FastTextHuffmanTree;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Label trees are written so that fastText's tree builder rebuilds exactly them. */
class FastTextTreeEncodingTest {

    /** Every class reaches the same leaf through the same turns in the rebuilt tree, via the encoding's label order. */
    private static void assertRebuildsExactly(CodeTree tree, FastTextTreeEncoding e) {
        CodeTree rebuilt = FastTextHuffmanTree.build(e.counts());
        assertEquals(tree.classes(), rebuilt.classes());
        for (int label = 0; label < tree.classes(); label++) {
            int k = e.classOfLabel()[label];
            assertEquals(tree.depth(k), rebuilt.depth(label), "depth of class " + k);
            for (int p = 0; p < tree.depth(k); p++) {
                int ours = tree.pathNodesShared()[tree.pathStart(k) + p], theirs = rebuilt.pathNodesShared()[rebuilt.pathStart(label) + p];
                assertEquals(tree.pathRightShared()[tree.pathStart(k) + p], rebuilt.pathRightShared()[rebuilt.pathStart(label) + p]);
                assertEquals(theirs, e.rowOfNode()[ours], "node row of class " + k + " at step " + p);
            }
        }
    }

    @Test
    void fastTextsOwnTreeKeepsItsCountsAndOrder() {
        long[] counts = {50, 40, 40, 7, 7, 7, 3, 1};
        CodeTree tree = FastTextHuffmanTree.build(counts);
        FastTextTreeEncoding e = FastTextTreeEncoding.of(tree, counts);
        assertArrayEquals(counts, e.counts());
        assertArrayEquals(new int[]{0, 1, 2, 3, 4, 5, 6, 7}, e.classOfLabel());
        assertRebuildsExactly(tree, e);
    }

    @Test
    void otherTreesAreEncodedExactlyOrRefusedClearly() {
        Random rng = new Random(7);
        int encoded = 0;
        for (int trial = 0; trial < 200; trial++) {
            int n = 2 + rng.nextInt(trial < 150 ? 60 : 3000);
            CodeTree tree = randomTree(n, rng);
            try {
                assertRebuildsExactly(tree, FastTextTreeEncoding.of(tree, new long[n]));
                encoded++;
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().contains("fastText cannot hold this label tree"), e.getMessage());
            }
        }
        // Kindling's former Huffman tree broke ties its own way; a balanced tree with equal counts is planned.
        long[] counts = new long[512];
        java.util.Arrays.fill(counts, 3);
        CodeTree huffman = CodeTree.huffman(counts);
        assertRebuildsExactly(huffman, FastTextTreeEncoding.of(huffman, new long[512]));
        assertTrue(encoded > 0);
    }

    @Test
    void aTreeTooDeepForFastTextsCountsIsRefusedClearly() {
        int n = 200;
        int[] left = new int[n - 1], right = new int[n - 1];
        // A chain: each node has a class on its left and the next node on its right.
        for (int v = 0; v < n - 1; v++) {
            left[v] = -1 - v;
            right[v] = v == n - 2 ? -1 - (n - 1) : v + 1;
        }
        long[] w = new long[n];
        java.util.Arrays.fill(w, 1);
        CodeTree chain = CodeTree.of(left, right, w);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> FastTextTreeEncoding.of(chain, w));
        assertTrue(ex.getMessage().contains("fastText cannot hold this label tree"), ex.getMessage());
    }

    /** A random full binary tree: repeatedly join two random subtrees. */
    static CodeTree randomTree(int n, Random rng) {
        List<Integer> pool = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            pool.add(-1 - k);
        }
        int[] left = new int[n - 1], right = new int[n - 1];
        for (int v = 0; v < n - 1; v++) {
            int a = pool.remove(rng.nextInt(pool.size())), b = pool.remove(rng.nextInt(pool.size()));
            left[v] = a;
            right[v] = b;
            pool.add(v);
        }
        long[] w = new long[n];
        java.util.Arrays.fill(w, 1);
        return CodeTree.of(left, right, w);
    }
}
