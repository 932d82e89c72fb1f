package dev.kindling.core.hsm;

import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.testing.GradCheck;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BinaryTreeSoftmaxTest {

    static BinaryTreeSoftmax randomTree(int classes, int dim, long seed) {
        Random rng = new Random(seed);
        BinaryTreeSoftmax t = new BinaryTreeSoftmax(CodeTree.huffman(CodeTreeTest.zipfCounts(classes, seed)), dim, rng);
        Tensor b = t.nodeBias();
        for (long i = 0; i < b.numel(); i++) {
            b.setFlat(i, (float) rng.nextGaussian());
        }
        return t;
    }

    /**
     * log p(k | x) in double from the definition: find k's leaf by searching the child arrays from the root
     * (not the precomputed paths), multiplying σ(±score) along the way.
     */
    static double naiveLogProb(BinaryTreeSoftmax t, float[] x, int k) {
        CodeTree tree = t.tree();
        if (tree.root() < 0) {
            return 0;
        }
        double[] lp = new double[1];
        assertTrue(descend(t, tree.root(), 0.0, x, k, lp), "class " + k + " not in the tree");
        return lp[0];
    }

    private static boolean descend(BinaryTreeSoftmax t, int node, double lp, float[] x, int k, double[] out) {
        double s = t.nodeBias().get(node, 0);
        for (int i = 0; i < x.length; i++) {
            s += (double) t.nodeWeight().value().get(node, i) * x[i];
        }
        int[] child = {t.tree().left(node), t.tree().right(node)};
        double[] childLp = {lp + Math.log(1 / (1 + Math.exp(s))), lp + Math.log(1 / (1 + Math.exp(-s)))};
        for (int side = 0; side < 2; side++) {
            if (child[side] < 0 ? -1 - child[side] == k : descend(t, child[side], childLp[side], x, k, out)) {
                if (child[side] < 0) {
                    out[0] = childLp[side];
                }
                return true;
            }
        }
        return false;
    }

    @Test
    void forwardMatchesNaiveDoubleComputation() {
        BinaryTreeSoftmax t = randomTree(37, 7, 1);
        Random rng = new Random(2);
        Tensor x = Tensor.randn(rng, 1f, 9, 7);
        int[] targets = rng.ints(9, 0, 37).toArray();
        Tensor nll = t.forward(new HsmBatch(x, IndexTensor.of(targets)));
        for (int b = 0; b < 9; b++) {
            assertEquals(-naiveLogProb(t, x.select(b).toArray(), targets[b]), nll.getFlat(b), 1e-4, "example " + b);
        }
    }

    @Test
    void probabilitiesOfAllClassesSumToOneAndMatchLogProb() {
        BinaryTreeSoftmax t = randomTree(53, 5, 3);
        Tensor x = Tensor.randn(new Random(4), 2f, 3, 5);
        Tensor all = t.logProbsAll(x);
        for (int b = 0; b < 3; b++) {
            double sum = 0;
            for (int k = 0; k < 53; k++) {
                sum += Math.exp(all.get(b, k));
                Tensor one = t.logProb(x.narrow(b, 1), IndexTensor.of(k));
                assertEquals(all.get(b, k), one.getFlat(0), 1e-5);
            }
            assertEquals(1.0, sum, 1e-5);
        }
    }

    @Test
    void parameterGradientsMatchFiniteDifferences() {
        BinaryTreeSoftmax t = randomTree(11, 4, 5);
        Tensor x = Tensor.randn(new Random(6), 1f, 6, 4);
        // Repeated targets and shared ancestors, so duplicate-row accumulation is covered.
        GradCheck.checkParameters(t, new HsmBatch(x, IndexTensor.of(0, 6, 3, 6, 4, 10)), 7);
    }

    @Test
    void inputGradientMatchesFiniteDifferences() {
        BinaryTreeSoftmax t = randomTree(19, 5, 8);
        Tensor x = Tensor.randn(new Random(9), 1f, 4, 5);
        IndexTensor targets = IndexTensor.of(2, 7, 18, 5);
        Tensor r = Tensor.randn(new Random(10), 1f, 4);
        Tensor gi = t.backward(new HsmBatch(x, targets), r).input();
        GradCheck.checkInputGradient("tree softmax input gradient", in -> t.forward(new HsmBatch(in, targets)), x, gi, r, 20);
    }

    @Test
    void directUpdateEqualsBackwardThenSgdAndTouchesOnlyThePath() {
        BinaryTreeSoftmax a = randomTree(29, 6, 11), b = randomTree(29, 6, 11), fresh = randomTree(29, 6, 11);
        Tensor x = Tensor.randn(new Random(12), 1f, 1, 6);
        int target = 13;
        IndexTensor t = IndexTensor.of(target);
        float lr = 0.3f;
        Tensor gi = Tensor.randn(new Random(13), 1f, 1, 6), loss = Tensor.zeros(1);   // poisoned: must be overwritten
        a.trainStep(x, t, lr, gi, loss);

        float expectedLoss = b.forward(new HsmBatch(x, t)).getFlat(0);
        Tensor expectedGi = b.backward(new HsmBatch(x, t), Tensor.of(new float[]{1f}, 1)).input();
        assertEquals(expectedLoss, loss.getFlat(0), 1e-5);
        assertArrayEquals(expectedGi.toArray(), gi.toArray(), 1e-6f);
        GradCheck.assertSgdStep(b, a, lr, 1e-6f);
        CodeTree tree = a.tree();
        List<Integer> path = new ArrayList<>();
        for (int p = tree.pathStart(target); p < tree.pathStart(target) + tree.depth(target); p++) {
            path.add(tree.pathNodesShared()[p]);
        }
        for (int n = 0; n < tree.nodes(); n++) {
            boolean same = Arrays.equals(fresh.nodeWeight().value().select(n).toArray(), a.nodeWeight().value().select(n).toArray());
            assertEquals(!path.contains(n), same, "node row " + n);
        }
    }

    @Test
    void scalarAndVectorKernelsAgree() {
        BinaryTreeSoftmax t = randomTree(200, 100, 14);
        Tensor x = Tensor.randn(new Random(15), 1f, 1, 100);
        var vector = dev.kindling.core.backend.cpu.CpuTreePathKernels.preferred();
        var scalar = dev.kindling.core.backend.cpu.CpuTreePathKernels.scalar();
        // The build runs tests with the Vector API module, so this compares two different implementations.
        assertTrue(vector.kernels().name().startsWith("vector"), "preferred kernels: " + vector.kernels().name());
        CodeTree tree = t.tree();
        for (int k = 0; k < 200; k += 7) {
            int from = tree.pathStart(k), to = from + tree.depth(k);
            double v = vector.pathLogProb(tree.pathNodesShared(), tree.pathRightShared(), from, to, t.nodeWeight().value(),
                    t.nodeBias(), x.segment(), x.offset());
            double s = scalar.pathLogProb(tree.pathNodesShared(), tree.pathRightShared(), from, to, t.nodeWeight().value(),
                    t.nodeBias(), x.segment(), x.offset());
            assertEquals(s, v, 1e-4 * Math.max(1, Math.abs(s)));
        }
    }

    @Test
    void topKEqualsBruteForceOnRandomModels() {
        for (int seed = 0; seed < 8; seed++) {
            int classes = 1 + seed * 47;
            BinaryTreeSoftmax t = randomTree(classes, 6, 100 + seed);
            Tensor x = Tensor.randn(new Random(200 + seed), 2f, 4, 6);
            Tensor all = t.logProbsAll(x);
            for (int k : new int[]{1, 3, 10, classes + 5}) {
                List<TopK> batch = t.topKBatch(x, k);
                for (int b = 0; b < 4; b++) {
                    float[] lp = all.select(b).toArray();
                    Integer[] order = new Integer[classes];
                    Arrays.setAll(order, i -> i);
                    Arrays.sort(order, (p, q) -> lp[p] != lp[q] ? Float.compare(lp[q], lp[p]) : Integer.compare(p, q));
                    TopK got = t.topK(x.select(b), k);
                    int kk = Math.min(k, classes);
                    assertEquals(kk, got.size());
                    for (int i = 0; i < kk; i++) {
                        assertEquals(order[i], got.classes()[i], "seed " + seed + " k " + k + " rank " + i);
                        assertEquals(lp[order[i]], got.logProbs()[i], 1e-5);
                    }
                    assertArrayEquals(got.classes(), batch.get(b).classes());
                }
            }
        }
    }

    @Test
    void inferenceFromManyThreadsMatchesSequentialWhileTheTreeGrows() throws Exception {
        BinaryTreeSoftmax t = randomTree(500, 16, 21);
        Tensor x = Tensor.randn(new Random(22), 1f, 32, 16);
        List<TopK> expected = t.topKBatch(x, 5);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int th = 0; th < 4; th++) {
                results.add(pool.submit(() -> {
                    for (int rep = 0; rep < 50; rep++) {
                        for (int b = 0; b < 32; b++) {
                            if (!Arrays.equals(expected.get(b).classes(), t.topK(x.select(b), 5).classes())) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (int i = 0; i < 100; i++) {
                t.addClasses(3);
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get(), "a concurrent top-k differed");
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(800, t.classes());
    }

    @Test
    void addingClassesKeepsExistingPredictionsAndNewClassesLearn() {
        BinaryTreeSoftmax t = randomTree(40, 8, 31);
        Tensor x = Tensor.randn(new Random(32), 1f, 5, 8);
        Tensor before = t.logProbsAll(x);
        assertEquals(40, t.addClasses(2));
        assertEquals(42, t.classes());
        Tensor after = t.logProbsAll(x);
        for (int b = 0; b < 5; b++) {
            for (int k = 0; k < 40; k++) {
                assertEquals(before.get(b, k), after.get(b, k), 1e-6, "class " + k);
            }
            assertTrue(after.get(b, 40) < -25 && after.get(b, 41) < -25);
        }
        // Before their first training the new classes get prior odds by weight: the displaced class (one class
        // only) keeps at least a third of its probability (two new classes of weight 1 beside a leaf of weight
        // >= 1), every other class keeps all of it.
        t.prepareToTrain(40);
        t.prepareToTrain(41);
        for (int k = 40; k < 42; k++) {
            assertTrue(t.logProbsAll(x).get(0, k) > -15, "class " + k + " can be learned");
        }
        Tensor woken = t.logProbsAll(x);
        int changed = 0;
        for (int k = 0; k < 40; k++) {
            double drop = after.get(0, k) - woken.get(0, k);
            assertTrue(drop >= -1e-6 && drop <= Math.log(3) + 1e-6, "class " + k + " dropped by " + drop);
            changed += drop > 1e-6 ? 1 : 0;
        }
        assertEquals(1, changed);
        // Teach class 41 on one input: it becomes the top prediction there; the fixed priors do not move.
        float[] priors = t.nodeBias().toArray();
        Tensor one = x.narrow(0, 1).copy();
        Tensor gi = Tensor.zeros(1, 8), loss = Tensor.zeros(1);
        for (int i = 0; i < 60; i++) {
            t.trainStep(one, IndexTensor.of(41), 0.5f, gi, loss);
        }
        assertEquals(41, t.topK(one, 1).classes()[0]);
        assertArrayEquals(priors, t.nodeBias().toArray());
        // A tree of one class grows too.
        BinaryTreeSoftmax single = BinaryTreeSoftmax.zeroInitialized(CodeTree.huffman(new long[]{1}), 3);
        assertEquals(0f, single.logProb(Tensor.zeros(1, 3), IndexTensor.of(0)).getFlat(0));
        single.addClasses(1);
        assertEquals(0f, single.logProb(Tensor.zeros(1, 3), IndexTensor.of(0)).getFlat(0), 1e-6);
    }

    @Test
    void badInputsGiveClearErrors() {
        BinaryTreeSoftmax t = randomTree(10, 4, 41);
        Tensor gi = Tensor.zeros(1, 4), loss = Tensor.zeros(1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.forward(new HsmBatch(Tensor.zeros(2, 5), IndexTensor.of(0, 1))))
                .getMessage().contains("expects input [batch, 4]"));
        assertThrows(IllegalArgumentException.class, () -> t.trainStep(Tensor.zeros(1, 4), IndexTensor.of(10), 0.1f, gi, loss));
        assertThrows(IllegalArgumentException.class, () -> t.trainStep(Tensor.zeros(1, 4), IndexTensor.of(1), Float.NaN, gi, loss));
        assertThrows(IllegalArgumentException.class, () -> t.logProb(Tensor.zeros(2, 4), IndexTensor.of(1)));
        assertThrows(IllegalArgumentException.class, () -> t.topK(Tensor.zeros(1, 4), 0));
        assertThrows(IllegalArgumentException.class, () -> t.topK(Tensor.zeros(2, 4), 1));
        assertThrows(UnsupportedOperationException.class, () -> t.to(Device.cuda(0)));
        assertThrows(IllegalArgumentException.class, () -> new BinaryTreeSoftmax(CodeTree.huffman(new long[]{1, 2, 3}),
                Tensor.zeros(3, 4), Tensor.zeros(2, 1)));
    }
}
