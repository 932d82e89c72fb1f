package dev.kindling.core.fasttext;

import dev.kindling.core.hsm.CodeTree;
import dev.kindling.core.hsm.FastTextHuffmanTree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a {@link CodeTree} is written into a fastText file, which stores no tree: fastText rebuilds its
 * {@code -loss hs} tree from the label counts in dictionary order ({@link FastTextHuffmanTree}). So the
 * labels are written in an order, and with counts, that make fastText rebuild exactly this tree, and the
 * node rows in the order fastText creates the nodes.
 *
 * <p>A tree fastText itself built (a model read from fastText, or trained with {@code -tree huffman}) is
 * kept as it is, with its label counts. Any other full binary tree is encoded by making fastText take the
 * tree level by level from the deepest, left to right: labels in that order (fastText takes them from the
 * last one backwards), and counts that rise along that order (a label weighs a little more than the item
 * taken just before it, a node the sum of its children), so every comparison fastText makes picks the next
 * item of the plan. The result is verified by rebuilding the tree as fastText does; trees too deep for
 * fastText's counts (below 10^15) are refused.
 */
public record FastTextTreeEncoding(int[] classOfLabel, long[] counts, int[] rowOfNode) {

    /** The encoding of {@code tree}, preferring the given counts (by class) when fastText rebuilds the tree from them. */
    public static FastTextTreeEncoding of(CodeTree tree, long[] classCounts) {
        int n = tree.classes();
        int[] identity = new int[n];
        Arrays.setAll(identity, i -> i);
        if (n == 1) {
            return new FastTextTreeEncoding(identity, new long[]{Math.max(1, classCounts[0])}, new int[0]);
        }
        long[] natural = Arrays.stream(classCounts).map(c -> Math.max(1, c)).toArray();
        if (natural.length == n && Arrays.stream(natural).allMatch(c -> c < FastTextHuffmanTree.UNCREATED)) {
            int[] rows = matchNodes(FastTextHuffmanTree.build(natural), tree, identity);
            if (rows != null) {
                return new FastTextTreeEncoding(identity, natural, rows);
            }
        }
        return planned(tree);
    }

    /**
     * For each node of {@code want}, the node of {@code built} at the same place, when {@code built} (whose
     * class k is {@code want}'s class classOf[k]) has exactly want's shape; null otherwise.
     */
    private static int[] matchNodes(CodeTree built, CodeTree want, int[] classOf) {
        int[] rows = new int[want.nodes()];
        int[] stackWant = new int[want.nodes()], stackBuilt = new int[want.nodes()];
        int top = 0;
        stackWant[top] = want.root();
        stackBuilt[top++] = built.root();
        while (top > 0) {
            int w = stackWant[--top], b = stackBuilt[top];
            rows[w] = b;
            for (int side = 0; side < 2; side++) {
                int cw = side == 0 ? want.left(w) : want.right(w), cb = side == 0 ? built.left(b) : built.right(b);
                if ((cw < 0) != (cb < 0)) {
                    return null;
                }
                if (cw < 0) {
                    if (classOf[-1 - cb] != -1 - cw) {
                        return null;
                    }
                } else {
                    stackWant[top] = cw;
                    stackBuilt[top++] = cb;
                }
            }
        }
        return rows;
    }

    private static FastTextTreeEncoding planned(CodeTree tree) {
        int n = tree.classes();
        // Items by depth, each level left to right: children encoded as in CodeTree (class −1−k, node ≥ 0).
        List<List<Integer>> levels = new ArrayList<>();
        collect(tree, tree.root(), 0, levels);
        List<Integer> plan = new ArrayList<>(2 * n - 2);
        for (int d = levels.size() - 1; d >= 1; d--) {
            plan.addAll(levels.get(d));
        }
        // Weights as (major, minor) pairs compared in that order; a label weighs just above the previous item.
        try {
            return plannedOrRefused(tree, plan);
        } catch (ArithmeticException e) {
            throw unrepresentable(tree, "the label counts it needs exceed what fastText's tree builder accepts (< 10^15)");
        }
    }

    private static FastTextTreeEncoding plannedOrRefused(CodeTree tree, List<Integer> plan) {
        int n = tree.classes();
        long[] nodeMajor = new long[n - 1], nodeMinor = new long[n - 1];
        long[] leafMajor = new long[n], leafMinor = new long[n];
        int[] createdAt = new int[n - 1];
        int[] parentOf = parents(tree);
        int[] classOfLabel = new int[n];
        int nextLabel = n - 1, created = 0;
        long major = 0, minor = 0;
        long[] pairMajor = new long[2], pairMinor = new long[2];
        for (int t = 0; t < plan.size(); t++) {
            int item = plan.get(t);
            if (item < 0) {
                int k = -1 - item;
                if (t == 0) {
                    major = 1;
                    minor = 0;
                } else {
                    minor = Math.addExact(minor, 1);
                }
                leafMajor[k] = major;
                leafMinor[k] = minor;
                classOfLabel[nextLabel--] = k;
            } else {
                if (nodeMajor[item] < major || (nodeMajor[item] == major && nodeMinor[item] <= minor)) {
                    throw unrepresentable(tree, "its plan would take a node before a lighter one");
                }
                major = nodeMajor[item];
                minor = nodeMinor[item];
            }
            pairMajor[t % 2] = major;
            pairMinor[t % 2] = minor;
            if (t % 2 == 1) {
                int parent = parentOf[item < 0 ? tree.nodes() + (-1 - item) : item];
                nodeMajor[parent] = Math.addExact(pairMajor[0], pairMajor[1]);
                nodeMinor[parent] = Math.addExact(pairMinor[0], pairMinor[1]);
                createdAt[parent] = created++;
            }
        }
        long maxMinor = 0;
        for (long m : leafMinor) {
            maxMinor = Math.max(maxMinor, m);
        }
        for (long m : nodeMinor) {
            maxMinor = Math.max(maxMinor, m);
        }
        long scale = maxMinor + 1;
        long[] counts = new long[n];
        try {
            for (int label = 0; label < n; label++) {
                int k = classOfLabel[label];
                counts[label] = Math.addExact(Math.multiplyExact(leafMajor[k], scale), leafMinor[k]);
                if (counts[label] >= FastTextHuffmanTree.UNCREATED / 2) {
                    throw new ArithmeticException("count " + counts[label]);
                }
            }
        } catch (ArithmeticException e) {
            throw unrepresentable(tree, "the label counts it needs exceed what fastText's tree builder accepts (< 10^15)");
        }
        CodeTree rebuilt = FastTextHuffmanTree.build(counts);
        int[] rows = matchNodes(rebuilt, tree, classOfLabel);
        if (rows == null) {
            throw unrepresentable(tree, "fastText would rebuild a different tree from the planned label counts");
        }
        return new FastTextTreeEncoding(classOfLabel, counts, rows);
    }

    private static void collect(CodeTree tree, int node, int depth, List<List<Integer>> levels) {
        // Iterative pre-order, left before right, so each level lists its items left to right.
        int[] stackNode = new int[2 * tree.classes()], stackDepth = new int[2 * tree.classes()];
        int top = 0;
        stackNode[top] = node;
        stackDepth[top++] = depth;
        while (top > 0) {
            int item = stackNode[--top], d = stackDepth[top];
            while (levels.size() <= d) {
                levels.add(new ArrayList<>());
            }
            levels.get(d).add(item);
            if (item >= 0) {
                stackNode[top] = tree.right(item);
                stackDepth[top++] = d + 1;
                stackNode[top] = tree.left(item);
                stackDepth[top++] = d + 1;
            }
        }
    }

    /** Parent node of each node (index &lt; nodes) and of each class (index nodes + k). */
    private static int[] parents(CodeTree tree) {
        int[] parent = new int[tree.nodes() + tree.classes()];
        Arrays.fill(parent, -1);
        for (int v = 0; v < tree.nodes(); v++) {
            for (int c : new int[]{tree.left(v), tree.right(v)}) {
                parent[c < 0 ? tree.nodes() + (-1 - c) : c] = v;
            }
        }
        return parent;
    }

    private static IllegalArgumentException unrepresentable(CodeTree tree, String why) {
        return new IllegalArgumentException("fastText cannot hold this label tree (" + tree + "): " + why
                + "; fastText rebuilds -loss hs trees from label counts, so export a model trained with -tree huffman");
    }
}
