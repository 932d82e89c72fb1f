package dev.kindling.core.hsm;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * The binary code tree of a {@link BinaryTreeSoftmax}: {@code classes} leaves and {@code classes − 1}
 * internal nodes, each class reached from the root by one path of left/right turns. Built by Huffman's
 * algorithm from class frequencies ({@link #huffman}, fastText's tree: frequent classes get short paths and
 * the expected path length is minimal), or given as child arrays ({@link #of}) by a builder that also
 * looks at what the classes mean (the text classifier's label tree). Immutable: growing returns a new tree.
 *
 * <p>Children are encoded in one int: {@code c >= 0} is internal node {@code c}, {@code c < 0} is class
 * {@code -1 - c}. Going right at node n has probability σ(score(n)).
 */
public final class CodeTree {

    private final int classes;
    private final int[] left;
    private final int[] right;
    /** Frequency each class was placed by (≥ 1); decides which leaf a new class is attached to. */
    private final long[] weights;
    private final int root;
    private final int[] pathStart;
    private final int[] pathNodes;
    private final boolean[] pathRight;
    private final int maxDepth;

    private CodeTree(int classes, int[] left, int[] right, long[] weights) {
        this.classes = classes;
        this.left = left;
        this.right = right;
        this.weights = weights;
        this.root = classes == 1 ? -1 : findRoot(classes, left, right);
        int[] depth = new int[classes];
        int[] parentNode = new int[classes];
        boolean[] parentRight = new boolean[classes];
        int[] nodeParent = new int[classes - 1];
        boolean[] nodeSide = new boolean[classes - 1];
        int[] nodeDepth = new int[classes - 1];
        Arrays.fill(nodeParent, -1);
        Arrays.fill(depth, -1);
        if (root >= 0) {
            // Iterative walk from the root; a node or class seen twice (a cycle or a shared child) is an error.
            boolean[] seenNode = new boolean[classes - 1];
            ArrayDeque<Integer> stack = new ArrayDeque<>();
            stack.push(root);
            seenNode[root] = true;
            int reached = 0;
            while (!stack.isEmpty()) {
                int n = stack.pop();
                for (int side = 0; side < 2; side++) {
                    int c = side == 0 ? left[n] : right[n];
                    if (c >= 0) {
                        if (c >= classes - 1 || seenNode[c]) {
                            throw new IllegalArgumentException("tree node " + n + " has an invalid or repeated child node " + c);
                        }
                        seenNode[c] = true;
                        nodeParent[c] = n;
                        nodeSide[c] = side == 1;
                        nodeDepth[c] = nodeDepth[n] + 1;
                        stack.push(c);
                    } else {
                        int cls = -1 - c;
                        if (cls >= classes || depth[cls] >= 0) {
                            throw new IllegalArgumentException("tree node " + n + " has an invalid or repeated leaf class " + cls);
                        }
                        depth[cls] = nodeDepth[n] + 1;
                        parentNode[cls] = n;
                        parentRight[cls] = side == 1;
                        reached++;
                    }
                }
            }
            if (reached != classes) {
                throw new IllegalArgumentException("the tree reaches " + reached + " of its " + classes + " classes from the root");
            }
        } else {
            depth[0] = 0;
        }
        this.pathStart = new int[classes + 1];
        int max = 0;
        for (int k = 0; k < classes; k++) {
            pathStart[k + 1] = pathStart[k] + depth[k];
            max = Math.max(max, depth[k]);
        }
        this.maxDepth = max;
        this.pathNodes = new int[pathStart[classes]];
        this.pathRight = new boolean[pathStart[classes]];
        for (int k = 0; k < classes && root >= 0; k++) {
            // Fill each path backwards, from the leaf's parent up to the root.
            int at = pathStart[k + 1] - 1;
            pathNodes[at] = parentNode[k];
            pathRight[at] = parentRight[k];
            for (int n = parentNode[k]; nodeParent[n] >= 0; n = nodeParent[n]) {
                at--;
                pathNodes[at] = nodeParent[n];
                pathRight[at] = nodeSide[n];
            }
        }
    }

    private static int findRoot(int classes, int[] left, int[] right) {
        boolean[] hasParent = new boolean[classes - 1];
        for (int n = 0; n < classes - 1; n++) {
            for (int c : new int[]{left[n], right[n]}) {
                if (c >= classes - 1 || c < -classes) {
                    throw new IllegalArgumentException("tree node " + n + " has child " + c + " outside a tree of " + classes + " classes");
                }
                if (c >= 0) {
                    hasParent[c] = true;
                }
            }
        }
        int root = -1;
        for (int n = 0; n < classes - 1; n++) {
            if (!hasParent[n]) {
                if (root >= 0) {
                    throw new IllegalArgumentException("the tree has two roots, nodes " + root + " and " + n);
                }
                root = n;
            }
        }
        if (root < 0) {
            throw new IllegalArgumentException("the tree has no root: every node is some node's child");
        }
        return root;
    }

    /**
     * Huffman's code tree for classes with the given frequencies (a frequency below 1 counts as 1): the
     * two lightest subtrees are merged until one remains; ties are broken by class id, so the tree is
     * reproducible.
     */
    public static CodeTree huffman(long[] counts) {
        int n = counts.length;
        if (n == 0) {
            throw new IllegalArgumentException("a code tree needs at least one class");
        }
        long[] w = new long[n];
        for (int k = 0; k < n; k++) {
            w[k] = Math.max(1, counts[k]);
        }
        int[] left = new int[n - 1], right = new int[n - 1];
        // Two queues: leaves by ascending weight, and merged nodes, whose weights come out non-decreasing.
        Integer[] order = new Integer[n];
        for (int k = 0; k < n; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (a, b) -> w[a] != w[b] ? Long.compare(w[a], w[b]) : Integer.compare(a, b));
        long[] nodeWeight = new long[Math.max(0, n - 1)];
        int nextLeaf = 0, nextNode = 0, created = 0;
        while (created < n - 1) {
            int[] pick = new int[2];
            for (int p = 0; p < 2; p++) {
                boolean takeLeaf = nextLeaf < n && (nextNode >= created || w[order[nextLeaf]] <= nodeWeight[nextNode]);
                if (takeLeaf) {
                    pick[p] = -1 - order[nextLeaf++];
                } else {
                    pick[p] = nextNode++;
                }
            }
            left[created] = pick[0];
            right[created] = pick[1];
            nodeWeight[created] = weightOf(pick[0], w, nodeWeight) + weightOf(pick[1], w, nodeWeight);
            created++;
        }
        return new CodeTree(n, left, right, w);
    }

    private static long weightOf(int child, long[] leafWeight, long[] nodeWeight) {
        return child < 0 ? leafWeight[-1 - child] : nodeWeight[child];
    }

    /** A tree from its child arrays (a loaded model), validated: one root, every class exactly once, no cycles. */
    public static CodeTree of(int[] left, int[] right, long[] weights) {
        int classes = weights.length;
        if (classes == 0 || left.length != classes - 1 || right.length != classes - 1) {
            throw new IllegalArgumentException("a tree of " + classes + " classes needs " + Math.max(0, classes - 1)
                    + " internal nodes, got " + left.length + " left and " + right.length + " right children");
        }
        for (int k = 0; k < classes; k++) {
            if (weights[k] < 1) {
                throw new IllegalArgumentException("class " + k + " has weight " + weights[k] + "; weights must be >= 1");
            }
        }
        return new CodeTree(classes, left.clone(), right.clone(), weights.clone());
    }

    /**
     * This tree with {@code count} more classes (ids {@code classes() …}): each new class becomes the right
     * sibling of an existing leaf, which moves one level down under a new internal node. The leaf chosen is
     * the shallowest among the lightest (new classes weigh 1), so repeated growth deepens the tree
     * logarithmically, not one level per class. New internal nodes get ids {@code classes() − 1 …}.
     */
    public CodeTree withAddedClasses(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("cannot add " + count + " classes");
        }
        if (count == 0) {
            return this;
        }
        int n = classes + count;
        int[] l = Arrays.copyOf(left, n - 1), r = Arrays.copyOf(right, n - 1);
        long[] w = Arrays.copyOf(weights, n);
        // Where each leaf hangs: its parent node (−1 for the single-class tree) and side.
        int[] parent = new int[n];
        boolean[] isRight = new boolean[n];
        int[] depth = new int[n];
        for (int k = 0; k < classes; k++) {
            depth[k] = depth(k);
            parent[k] = depth[k] == 0 ? -1 : pathNodes[pathStart[k + 1] - 1];
            isRight[k] = depth[k] > 0 && pathRight[pathStart[k + 1] - 1];
        }
        PriorityQueue<long[]> leaves = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
                : a[1] != b[1] ? Long.compare(a[1], b[1]) : Long.compare(a[2], b[2]));
        for (int k = 0; k < classes; k++) {
            leaves.add(new long[]{w[k], depth[k], k});
        }
        for (int k = classes; k < n; k++) {
            w[k] = 1;
            int split = (int) leaves.poll()[2];
            int node = k - 1;
            l[node] = -1 - split;
            r[node] = -1 - k;
            if (parent[split] >= 0) {
                if (isRight[split]) {
                    r[parent[split]] = node;
                } else {
                    l[parent[split]] = node;
                }
            }
            parent[split] = node;
            isRight[split] = false;
            parent[k] = node;
            isRight[k] = true;
            depth[split]++;
            depth[k] = depth[split];
            leaves.add(new long[]{w[split], depth[split], split});
            leaves.add(new long[]{w[k], depth[k], k});
        }
        return new CodeTree(n, l, r, w);
    }

    public int classes() {
        return classes;
    }

    /** Internal nodes: {@code classes() − 1}. */
    public int nodes() {
        return classes - 1;
    }

    /** The root node, or −1 for a single class (whose path is empty and probability 1). */
    public int root() {
        return root;
    }

    /** The child on the left of internal node n (encoded: ≥ 0 node, &lt; 0 class −1−c). */
    public int left(int node) {
        return left[node];
    }

    public int right(int node) {
        return right[node];
    }

    /** Path length of a class: the number of internal nodes from the root to its leaf. */
    public int depth(int cls) {
        return pathStart[cls + 1] - pathStart[cls];
    }

    public int maxDepth() {
        return maxDepth;
    }

    /** Offset of the class's path in {@link #pathNodesShared()} / {@link #pathRightShared()}. */
    public int pathStart(int cls) {
        return pathStart[cls];
    }

    /** All paths, root first, concatenated by class; shared, do not modify. */
    public int[] pathNodesShared() {
        return pathNodes;
    }

    /** For each path entry, whether the path turns right there; shared, do not modify. */
    public boolean[] pathRightShared() {
        return pathRight;
    }

    /** Σ weight × depth / Σ weight: the expected path length under the weights. */
    public double meanDepth() {
        double num = 0, den = 0;
        for (int k = 0; k < classes; k++) {
            num += (double) weights[k] * depth(k);
            den += weights[k];
        }
        return num / den;
    }

    public int[] leftArray() {
        return left.clone();
    }

    public int[] rightArray() {
        return right.clone();
    }

    public long[] weightsArray() {
        return weights.clone();
    }

    @Override
    public String toString() {
        return "CodeTree(" + classes + " classes, depth ≤ " + maxDepth + String.format(", mean %.2f)", meanDepth());
    }
}
