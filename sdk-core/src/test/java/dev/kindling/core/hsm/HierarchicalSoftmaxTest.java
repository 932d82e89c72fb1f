package dev.kindling.core.hsm;

import dev.kindling.core.nn.Parameter;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.testing.GradCheck;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HierarchicalSoftmaxTest {

    /** An irregular mapping: cluster sizes 3, 1, 5, 2 with classes scattered across clusters. */
    static ClusterMapping irregular() {
        int[] clusterOf = {2, 0, 2, 1, 3, 0, 2, 2, 3, 0, 2};
        return ClusterMapping.fromClusters(clusterOf);
    }

    static HierarchicalSoftmax randomHsm(ClusterMapping m, int dim, long seed) {
        Random rng = new Random(seed);
        HierarchicalSoftmax h = new HierarchicalSoftmax(m, dim, rng);
        // Non-zero biases so they are exercised too.
        for (Parameter p : List.of(h.clusterBias(), h.classBias())) {
            for (long i = 0; i < p.value().numel(); i++) {
                p.value().setFlat(i, (float) rng.nextGaussian());
            }
        }
        return h;
    }

    /** log p(k | x) in double precision straight from the definition. */
    static double naiveLogProb(HierarchicalSoftmax h, float[] x, int k) {
        ClusterMapping m = h.mapping();
        int d = h.dim();
        Tensor cw = h.clusterWeight().value(), cb = h.clusterBias().value(), w = h.classWeight().value(), b = h.classBias().value();
        double[] s = new double[m.clusters()];
        for (int c = 0; c < s.length; c++) {
            s[c] = cb.get(c);
            for (int i = 0; i < d; i++) {
                s[c] += (double) cw.get(c, i) * x[i];
            }
        }
        int c = m.clusterOf(k);
        double[] u = new double[m.clusterSize(c)];
        for (int j = 0; j < u.length; j++) {
            int cls = m.member(c, j);
            u[j] = b.get(cls, 0);
            for (int i = 0; i < d; i++) {
                u[j] += (double) w.get(cls, i) * x[i];
            }
        }
        return s[c] - logSumExp(s) + u[m.indexInCluster(k)] - logSumExp(u);
    }

    static double logSumExp(double[] v) {
        double max = Double.NEGATIVE_INFINITY;
        for (double a : v) {
            max = Math.max(max, a);
        }
        double sum = 0;
        for (double a : v) {
            sum += Math.exp(a - max);
        }
        return max + Math.log(sum);
    }

    @Test
    void forwardMatchesNaiveDoubleComputation() {
        HierarchicalSoftmax h = randomHsm(irregular(), 7, 1);
        Random rng = new Random(2);
        Tensor x = Tensor.randn(rng, 1f, 11, 7);
        int[] targets = new int[11];
        for (int b = 0; b < 11; b++) {
            targets[b] = b;
        }
        float[] loss = h.forward(new HsmBatch(x, IndexTensor.of(targets))).toArray();
        for (int b = 0; b < 11; b++) {
            float[] row = x.select(b).toArray();
            assertEquals(-naiveLogProb(h, row, targets[b]), loss[b], 1e-4, "example " + b);
        }
    }

    @Test
    void probabilitiesOfAllClassesSumToOne() {
        HierarchicalSoftmax h = randomHsm(ClusterBuilders.balanced(50), 6, 3);
        Tensor lp = h.logProbsAll(Tensor.randn(new Random(4), 2f, 3, 6));
        for (int b = 0; b < 3; b++) {
            double s = 0;
            for (int k = 0; k < 50; k++) {
                s += Math.exp(lp.get(b, k));
            }
            assertEquals(1.0, s, 1e-5);
        }
    }

    @Test
    void parameterGradientsMatchFiniteDifferences() {
        HierarchicalSoftmax h = randomHsm(irregular(), 4, 5);
        Tensor x = Tensor.randn(new Random(6), 1f, 6, 4);
        // Two examples share cluster 2 (classes 0 and 6), so duplicate-row accumulation is covered.
        HsmBatch batch = new HsmBatch(x, IndexTensor.of(0, 6, 3, 1, 4, 10));
        GradCheck.checkParameters(h, batch, 7);
    }

    @Test
    void inputGradientMatchesFiniteDifferences() {
        HierarchicalSoftmax h = randomHsm(irregular(), 5, 8);
        Tensor x = Tensor.randn(new Random(9), 1f, 4, 5);
        IndexTensor targets = IndexTensor.of(2, 7, 8, 5);
        Tensor r = Tensor.randn(new Random(10), 1f, 4);
        Tensor gi = h.backward(new HsmBatch(x, targets), r).input();
        GradCheck.checkInputGradient("HSM input gradient", in -> h.forward(new HsmBatch(in, targets)), x, gi, r, 20);
    }

    @Test
    void directUpdateEqualsBackwardThenSgd() {
        HierarchicalSoftmax a = randomHsm(irregular(), 6, 11);
        HierarchicalSoftmax b = randomHsm(irregular(), 6, 11);
        Tensor x = Tensor.randn(new Random(12), 1f, 1, 6);
        IndexTensor t = IndexTensor.of(7);
        float lr = 0.3f;
        Tensor gi = Tensor.zeros(1, 6), loss = Tensor.zeros(1);
        a.trainStep(x, t, lr, gi, loss);

        float expectedLoss = b.forward(new HsmBatch(x, t)).getFlat(0);
        Tensor expectedGi = b.backward(new HsmBatch(x, t), Tensor.of(new float[]{1f}, 1)).input();
        assertEquals(expectedLoss, loss.getFlat(0), 1e-6);
        assertArrayEquals(expectedGi.toArray(), gi.toArray(), 1e-6f);
        GradCheck.assertSgdStep(b, a, lr, 1e-6f);
        // Only the target cluster's class rows moved.
        HierarchicalSoftmax fresh = randomHsm(irregular(), 6, 11);
        int cluster = a.mapping().clusterOf(7);
        for (int k = 0; k < a.classes(); k++) {
            boolean same = java.util.Arrays.equals(fresh.classWeight().value().select(k).toArray(), a.classWeight().value().select(k).toArray());
            assertEquals(a.mapping().clusterOf(k) != cluster, same, "class row " + k);
        }
    }

    @Test
    void topKEqualsBruteForceOnRandomModels() {
        for (int seed = 0; seed < 6; seed++) {
            Random rng = new Random(100 + seed);
            int n = 40 + rng.nextInt(200);
            long[] counts = new long[n];
            for (int k = 0; k < n; k++) {
                counts[k] = (long) (1000 / (1 + k * (double) rng.nextInt(3)));
            }
            ClusterMapping m = seed % 2 == 0 ? ClusterBuilders.balanced(n) : ClusterBuilders.byFrequency(counts);
            HierarchicalSoftmax h = randomHsm(m, 8, seed);
            Tensor x = Tensor.randn(rng, 1.5f, 5, 8);
            Tensor all = h.logProbsAll(x);
            for (int k : new int[]{1, 3, 10, n}) {
                List<TopK> got = h.topKBatch(x, k);
                for (int b = 0; b < 5; b++) {
                    TopK expected = bruteForce(all.select(b).toArray(), k);
                    assertArrayEquals(expected.classes(), got.get(b).classes(), "seed " + seed + " k " + k + " row " + b);
                    assertArrayEquals(expected.logProbs(), got.get(b).logProbs(), 0f);
                }
            }
        }
    }

    static TopK bruteForce(float[] lp, int k) {
        Integer[] idx = new Integer[lp.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> lp[a] != lp[b] ? Float.compare(lp[b], lp[a]) : Integer.compare(a, b));
        int kk = Math.min(k, lp.length);
        int[] c = new int[kk];
        float[] s = new float[kk];
        for (int i = 0; i < kk; i++) {
            c[i] = idx[i];
            s[i] = lp[idx[i]];
        }
        return new TopK(c, s);
    }

    @Test
    void inferenceFromManyThreadsMatchesSequential() throws Exception {
        HierarchicalSoftmax h = randomHsm(ClusterBuilders.balanced(300), 16, 21).eval() instanceof HierarchicalSoftmax hs ? hs : null;
        Tensor x = Tensor.randn(new Random(22), 1f, 64, 16);
        List<TopK> expected = h.topKBatch(x, 5);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<TopK>> futures = new ArrayList<>();
            for (int rep = 0; rep < 4; rep++) {
                for (int b = 0; b < 64; b++) {
                    Tensor row = x.select(b);
                    futures.add(pool.submit(() -> h.topK(row, 5)));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                TopK got = futures.get(i).get();
                assertArrayEquals(expected.get(i % 64).classes(), got.classes());
                assertArrayEquals(expected.get(i % 64).logProbs(), got.logProbs(), 0f);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void addingClassesKeepsExistingPredictionsAndNewClassesLearn() {
        HierarchicalSoftmax h = randomHsm(ClusterBuilders.balanced(30), 8, 31);
        Tensor x = Tensor.randn(new Random(32), 1f, 10, 8);
        Tensor before = h.logProbsAll(x);
        List<TopK> topBefore = h.topKBatch(x, 5);
        int first = h.addClasses(9, 6);          // fills the last cluster, then opens new ones
        assertEquals(30, first);
        assertEquals(39, h.classes());
        Tensor after = h.logProbsAll(x);
        for (int b = 0; b < 10; b++) {
            for (int k = 0; k < 30; k++) {
                assertEquals(before.get(b, k), after.get(b, k), 0f, "class " + k + " row " + b);
            }
            assertArrayEquals(topBefore.get(b).classes(), h.topK(x.select(b), 5).classes());
        }
        // Training touches the new class: it becomes the top prediction for its input.
        Tensor one = x.narrow(0, 1);
        Tensor gi = Tensor.zeros(1, 8), loss = Tensor.zeros(1);
        for (int i = 0; i < 300; i++) {
            h.trainStep(one, IndexTensor.of(36), 0.5f, gi, loss);
        }
        assertEquals(36, h.topK(one, 1).classes()[0]);
    }

    @Test
    void growingManyTimesReallocatesAndKeepsRows() {
        HierarchicalSoftmax h = randomHsm(ClusterBuilders.balanced(4), 3, 41);
        float[] row2 = h.classWeight().value().select(2).toArray();
        for (int i = 0; i < 10; i++) {
            h.addClasses(5, 4);
        }
        assertEquals(54, h.classes());
        assertArrayEquals(row2, h.classWeight().value().select(2).toArray());
        assertEquals(54, h.classWeight().value().size(0));
    }

    @Test
    void aFullSoftmaxStaysOneClusterAsItGrowsAndAnHsmOpensClusters() {
        HierarchicalSoftmax softmax = randomHsm(ClusterMapping.fromClusters(new int[6]), 3, 42);
        softmax.addClasses(4);
        softmax.addClasses(9);
        assertEquals(19, softmax.classes());
        assertEquals(1, softmax.mapping().clusters());
        HierarchicalSoftmax hsm = randomHsm(ClusterBuilders.balanced(9), 3, 43);
        int before = hsm.mapping().clusters();
        hsm.addClasses(3 * hsm.mapping().maxClusterSize() + 1);
        assertTrue(hsm.mapping().clusters() > before, hsm.mapping().toString());
    }

    @Test
    void badInputsGiveClearErrors() {
        HierarchicalSoftmax h = randomHsm(irregular(), 4, 51);
        Tensor x = Tensor.zeros(2, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> h.forward(new HsmBatch(x, IndexTensor.of(0, 11))));
        assertTrue(e.getMessage().contains("11") && e.getMessage().contains("[0, 11)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> h.forward(new HsmBatch(Tensor.zeros(2, 5), IndexTensor.of(0, 1))));
        assertTrue(e.getMessage().contains("[batch, 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HsmBatch(x, IndexTensor.of(0)));
        assertThrows(IllegalArgumentException.class, () -> h.topK(x.select(0), 0));
        e = assertThrows(IllegalArgumentException.class, () -> h.trainStep(x, IndexTensor.of(0, 1), Float.NaN, Tensor.zeros(2, 4), Tensor.zeros(2)));
        assertTrue(e.getMessage().contains("learning rate"), e.getMessage());
    }
}
