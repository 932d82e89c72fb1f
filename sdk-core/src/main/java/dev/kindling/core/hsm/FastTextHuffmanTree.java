package dev.kindling.core.hsm;

/**
 * The label tree of fastText's {@code -loss hs}, built exactly as fastText builds it when it loads or trains
 * a model, since its file stores only the label counts: leaves are taken from the last label backwards
 * (fastText's dictionary lists labels by descending count), internal nodes in creation order, and at each
 * merge the next leaf wins only if its count is strictly below the next node's. The first node taken becomes
 * the left child, the second the right one (the turn scored σ(w·x)). Internal node i of fastText (ids from
 * the label count up) is node i − labels here, so fastText's output row of a node is this tree's node id.
 */
public final class FastTextHuffmanTree {

    /** fastText marks nodes not yet created with this count; real counts must stay below it. */
    public static final long UNCREATED = 1_000_000_000_000_000L;

    private FastTextHuffmanTree() {
    }

    /** The tree fastText builds for labels with these counts (in dictionary order). */
    public static CodeTree build(long[] counts) {
        int n = counts.length;
        if (n == 0) {
            throw new IllegalArgumentException("a label tree needs at least one label");
        }
        long[] count = new long[2 * n - 1];
        for (int i = 0; i < n; i++) {
            if (counts[i] < 0 || counts[i] >= UNCREATED) {
                throw new IllegalArgumentException("label " + i + " has count " + counts[i] + "; fastText's tree needs counts in [0, 1e15)");
            }
            count[i] = counts[i];
        }
        for (int i = n; i < count.length; i++) {
            count[i] = UNCREATED;
        }
        int[] left = new int[n - 1], right = new int[n - 1];
        int leaf = n - 1, node = n;
        for (int i = n; i < 2 * n - 1; i++) {
            int[] pick = new int[2];
            for (int j = 0; j < 2; j++) {
                pick[j] = leaf >= 0 && count[leaf] < count[node] ? leaf-- : node++;
            }
            left[i - n] = encode(pick[0], n);
            right[i - n] = encode(pick[1], n);
            count[i] = count[pick[0]] + count[pick[1]];
        }
        long[] weights = new long[n];
        for (int i = 0; i < n; i++) {
            weights[i] = Math.max(1, counts[i]);
        }
        return CodeTree.of(left, right, weights);
    }

    /** fastText id → CodeTree child: a label k is −1 − k, internal node i is i − labels. */
    private static int encode(int id, int labels) {
        return id < labels ? -1 - id : id - labels;
    }
}
