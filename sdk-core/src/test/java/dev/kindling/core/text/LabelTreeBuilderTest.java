package dev.kindling.core.text;

import dev.kindling.core.hsm.CodeTree;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelTreeBuilderTest {

    /**
     * Examples for {@code labels} labels in two topics: labels below half use mostly words 0..9, the others
     * words 100..109, each label also two of its own five words; {@code counts[k]} examples of label k.
     */
    static int[][][] twoTopics(long[] counts, long seed) {
        Random rng = new Random(seed);
        int n = counts.length;
        int total = 0;
        for (long c : counts) {
            total += (int) c;
        }
        int[][] rows = new int[total][], labels = new int[total][];
        int e = 0;
        for (int k = 0; k < n; k++) {
            int topicBase = k < n / 2 ? 0 : 100;
            for (int i = 0; i < counts[k]; i++) {
                int[] r = new int[8];
                for (int j = 0; j < 8; j++) {
                    r[j] = j < 6 ? topicBase + rng.nextInt(10) : 1000 + 10 * k + rng.nextInt(5);
                }
                rows[e] = r;
                labels[e] = new int[]{k};
                e++;
            }
        }
        return new int[][][]{rows, labels};
    }

    /** Kraft sum 1 and every class at the end of its own path, checked through the child arrays. */
    static void assertValidTree(CodeTree t) {
        double kraft = 0;
        for (int k = 0; k < t.classes(); k++) {
            int at = t.root();
            int reached = -1;
            for (int p = t.pathStart(k); p < t.pathStart(k) + t.depth(k); p++) {
                assertEquals(at, t.pathNodesShared()[p]);
                int child = t.pathRightShared()[p] ? t.right(at) : t.left(at);
                if (child < 0) {
                    reached = -1 - child;
                } else {
                    at = child;
                }
            }
            assertEquals(k, reached, "class " + k);
            kraft += Math.pow(2, -t.depth(k));
        }
        assertEquals(1.0, kraft, 1e-9);
    }

    @Test
    void labelsOfOneTopicShareTheFirstTurn() {
        long[] counts = new long[40];
        java.util.Arrays.fill(counts, 20);
        int[][][] data = twoTopics(counts, 1);
        CodeTree t = LabelTreeBuilder.build(data[0], data[1], counts, 7);
        assertValidTree(t);
        boolean firstA = t.pathRightShared()[t.pathStart(0)];
        for (int k = 0; k < 40; k++) {
            assertEquals(k < 20 ? firstA : !firstA, t.pathRightShared()[t.pathStart(k)], "label " + k + " is on the wrong side of the root");
        }
        // The same seed builds the same tree.
        CodeTree again = LabelTreeBuilder.build(data[0], data[1], counts, 7);
        assertArrayEquals(t.leftArray(), again.leftArray());
        assertArrayEquals(t.rightArray(), again.rightArray());
    }

    @Test
    void frequentLabelsStayNearTheRoot() {
        int n = 500;
        long[] counts = new long[n];
        Random rng = new Random(3);
        for (int k = 0; k < n; k++) {
            counts[k] = 1 + (long) (2000.0 / (1 + rng.nextInt(n)));
        }
        int[][][] data = twoTopics(counts, 4);
        CodeTree t = LabelTreeBuilder.build(data[0], data[1], counts, 5);
        assertValidTree(t);
        CodeTree huffman = CodeTree.huffman(counts);
        // Frequency-halving cuts cost at most a couple of levels over Huffman's optimal expected depth.
        assertTrue(t.meanDepth() <= huffman.meanDepth() + 2, t.meanDepth() + " vs Huffman " + huffman.meanDepth());
        assertTrue(t.maxDepth() <= 2 * huffman.maxDepth(), t.maxDepth() + " vs Huffman " + huffman.maxDepth());
    }

    @Test
    void tinyAndUnseenLabelSetsStillGiveValidTrees() {
        for (int n = 1; n <= 5; n++) {
            long[] counts = new long[n];
            java.util.Arrays.fill(counts, 3);
            CodeTree t = LabelTreeBuilder.build(new int[][]{{1, 2}}, new int[][]{{0}}, counts, 1);
            assertEquals(n, t.classes());
            if (n > 1) {
                assertValidTree(t);
            }
        }
        // Labels with no example at all (sketch zero) are still placed.
        long[] counts = {5, 0, 0, 7, 1, 0};
        CodeTree t = LabelTreeBuilder.build(new int[][]{{1, 2}, {3}}, new int[][]{{0}, {3}}, counts, 2);
        assertValidTree(t);
    }
}
