package dev.kindling.core.hsm;

import dev.kindling.core.backend.ThreadTrainer;
import dev.kindling.core.nn.Parameter;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Hogwild thread trainer of the two-level HSM: one trainer alone is exact SGD, several trainers publish
 * their cluster-layer changes as a plain-array model of the scheme says they should, nothing pending is lost
 * at {@link ThreadTrainer#flush}, and misuse gives clear errors.
 */
class HsmThreadTrainerTest {

    private static final int DIM = 6;

    @Test
    void oneTrainerIsExactSgdWhateverThePublishPeriod() {
        for (int publishEvery : new int[]{1, 3, 100}) {
            HierarchicalSoftmax exact = HierarchicalSoftmaxTest.randomHsm(HierarchicalSoftmaxTest.irregular(), DIM, 61);
            HierarchicalSoftmax viaTrainer = HierarchicalSoftmaxTest.randomHsm(HierarchicalSoftmaxTest.irregular(), DIM, 61);
            Random rng = new Random(62);
            ThreadTrainer trainer = viaTrainer.threadTrainer(publishEvery);
            for (int step = 0; step < 13; step++) {
                int batch = step == 5 ? 2 : 1;   // one call with two examples: each is still its own step
                Tensor x = Tensor.randn(rng, 1f, batch, DIM);
                int[] targets = new int[batch];
                for (int b = 0; b < batch; b++) {
                    targets[b] = rng.nextInt(exact.classes());
                }
                float lr = 0.05f + 0.4f * rng.nextFloat();
                Tensor giA = Tensor.zeros(batch, DIM), lossA = Tensor.zeros(batch);
                Tensor giB = Tensor.zeros(batch, DIM), lossB = Tensor.zeros(batch);
                exact.trainStep(x, IndexTensor.of(targets), lr, giA, lossA);
                trainer.step(x, IndexTensor.of(targets), lr, giB, lossB);
                assertArrayEquals(lossA.toArray(), lossB.toArray(), 1e-5f, "loss, K = " + publishEvery + ", step " + step);
                assertArrayEquals(giA.toArray(), giB.toArray(), 1e-5f, "input gradient, K = " + publishEvery + ", step " + step);
            }
            trainer.flush();
            for (Parameter p : exact.parameters()) {
                assertArrayEquals(p.value().toArray(), viaTrainer.namedParameters().get(p.name()).value().toArray(), 1e-5f,
                        p.name() + ", K = " + publishEvery);
            }
        }
    }

    @Test
    void clusterUpdatesStayInTheThreadUntilPublishedAndFlushLosesNothing() {
        HierarchicalSoftmax h = HierarchicalSoftmaxTest.randomHsm(HierarchicalSoftmaxTest.irregular(), DIM, 63);
        float[] clusterBefore = h.clusterWeight().value().toArray();
        float[] biasBefore = h.clusterBias().value().toArray();
        ThreadTrainer trainer = h.threadTrainer(4);
        Random rng = new Random(64);
        Tensor gi = Tensor.zeros(1, DIM), loss = Tensor.zeros(1);
        for (int i = 0; i < 3; i++) {
            trainer.step(Tensor.randn(rng, 1f, 1, DIM), IndexTensor.of(i), 0.5f, gi, loss);
        }
        assertArrayEquals(clusterBefore, h.clusterWeight().value().toArray(), 0f, "three of four examples: nothing published yet");
        assertArrayEquals(biasBefore, h.clusterBias().value().toArray(), 0f);
        trainer.step(Tensor.randn(rng, 1f, 1, DIM), IndexTensor.of(3), 0.5f, gi, loss);
        float[] published = h.clusterWeight().value().toArray();
        assertTrue(differs(clusterBefore, published), "the fourth example publishes");
        trainer.step(Tensor.randn(rng, 1f, 1, DIM), IndexTensor.of(4), 0.5f, gi, loss);
        assertArrayEquals(published, h.clusterWeight().value().toArray(), 0f, "the fifth is pending");
        trainer.flush();
        assertTrue(differs(published, h.clusterWeight().value().toArray()), "flush publishes the pending example");
        float[] flushed = h.clusterWeight().value().toArray();
        trainer.flush();
        assertArrayEquals(flushed, h.clusterWeight().value().toArray(), 0f, "a second flush has nothing to add");
    }

    /**
     * Two trainers, publish period 3, interleaved example by example on one thread (a fixed order standing for
     * two Hogwild threads), against the scheme written out on plain arrays: each trainer does exact SGD on its
     * own copy of the cluster layer and on the shared class layer, and a publish adds (copy − copy at last
     * publish) to the shared cluster layer and restarts the copy from it.
     */
    @Test
    void twoTrainersMatchTheirPlainArrayModel() {
        ClusterMapping m = ClusterBuilders.balanced(17);
        HierarchicalSoftmax h = HierarchicalSoftmaxTest.randomHsm(m, DIM, 65);
        PlainHsm shared = PlainHsm.of(h);
        PlainHsm[] copies = {shared.copy(), shared.copy()};
        PlainHsm[] atPublish = {shared.copy(), shared.copy()};
        int[] pending = new int[2];
        int publishEvery = 3;
        ThreadTrainer[] trainers = {h.threadTrainer(publishEvery), h.threadTrainer(publishEvery)};
        Random rng = new Random(66);
        Tensor gi = Tensor.zeros(1, DIM), loss = Tensor.zeros(1);
        int[] order = {0, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0};
        for (int step = 0; step < order.length; step++) {
            int who = order[step];
            Tensor x = Tensor.randn(rng, 1f, 1, DIM);
            int target = rng.nextInt(m.classes());
            float lr = 0.3f;
            trainers[who].step(x, IndexTensor.of(target), lr, gi, loss);
            // The model: cluster layer from this trainer's copy, class layer shared.
            double[] expectedGrad = PlainHsm.sgd(copies[who], shared, m, x.toArray(), target, lr);
            assertArrayEquals(toFloats(expectedGrad), gi.toArray(), 1e-4f, "input gradient at step " + step);
            if (++pending[who] == publishEvery) {
                publish(shared, copies[who], atPublish[who]);
                pending[who] = 0;
            }
        }
        for (int who = 0; who < 2; who++) {
            trainers[who].flush();
            if (pending[who] > 0) {
                publish(shared, copies[who], atPublish[who]);
            }
        }
        assertClose(shared.clusterWeight, h.clusterWeight().value(), "cluster weights");
        assertClose(shared.clusterBias, h.clusterBias().value(), "cluster biases");
        assertClose(shared.classWeight, h.classWeight().value(), "class weights");
        assertClose(shared.classBias, h.classBias().value(), "class biases");
    }

    @Test
    void badArgumentsAndMisuseGiveClearErrors() {
        HierarchicalSoftmax h = HierarchicalSoftmaxTest.randomHsm(ClusterBuilders.balanced(9), 4, 67);
        for (int bad : new int[]{0, -5}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.threadTrainer(bad));
            assertTrue(e.getMessage().contains("n >= 1") && e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
        BinaryTreeSoftmax tree = BinaryTreeSoftmax.zeroInitialized(CodeTree.huffman(new long[]{5, 3, 2, 1}), 4);
        assertThrows(IllegalArgumentException.class, () -> tree.threadTrainer(0));

        ThreadTrainer trainer = h.threadTrainer(8);
        Tensor gi = Tensor.zeros(1, 4), loss = Tensor.zeros(1);
        trainer.step(Tensor.of(new float[]{1f, 1f, 1f, 1f}, 1, 4), IndexTensor.of(2), 0.1f, gi, loss);
        h.addClasses(3);
        IllegalStateException e = assertThrows(IllegalStateException.class, trainer::flush);
        assertTrue(e.getMessage().contains("addClasses"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> trainer.step(Tensor.of(new float[]{1f, 1f, 1f, 1f}, 1, 4), IndexTensor.of(2), 0.1f, gi, loss));
    }

    @Test
    void binaryTreeThreadTrainerIsItsDirectStep() {
        long[] counts = {9, 7, 4, 4, 2, 1};
        BinaryTreeSoftmax a = BinaryTreeSoftmax.zeroInitialized(CodeTree.huffman(counts), DIM);
        BinaryTreeSoftmax b = BinaryTreeSoftmax.zeroInitialized(CodeTree.huffman(counts), DIM);
        ThreadTrainer trainer = b.threadTrainer(16);
        Random rng = new Random(68);
        Tensor gi = Tensor.zeros(1, DIM), loss = Tensor.zeros(1);
        for (int i = 0; i < 5; i++) {
            Tensor x = Tensor.randn(rng, 1f, 1, DIM);
            IndexTensor t = IndexTensor.of(rng.nextInt(counts.length));
            a.trainStep(x, t, 0.2f, gi, loss);
            trainer.step(x, t, 0.2f, gi, loss);
        }
        // Nothing is pending: the shared weights already agree before any flush.
        for (Parameter p : a.parameters()) {
            assertArrayEquals(p.value().toArray(), b.namedParameters().get(p.name()).value().toArray(), 0f, p.name());
        }
    }

    private static void publish(PlainHsm shared, PlainHsm copy, PlainHsm atPublish) {
        for (int c = 0; c < shared.clusterWeight.length; c++) {
            for (int i = 0; i < DIM; i++) {
                shared.clusterWeight[c][i] += copy.clusterWeight[c][i] - atPublish.clusterWeight[c][i];
            }
            shared.clusterBias[c] += copy.clusterBias[c] - atPublish.clusterBias[c];
            copy.clusterWeight[c] = shared.clusterWeight[c].clone();
            atPublish.clusterWeight[c] = shared.clusterWeight[c].clone();
            copy.clusterBias[c] = shared.clusterBias[c];
            atPublish.clusterBias[c] = shared.clusterBias[c];
        }
    }

    private static boolean differs(float[] a, float[] b) {
        return !java.util.Arrays.equals(a, b);
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static void assertClose(double[][] expected, Tensor got, String what) {
        for (int r = 0; r < expected.length; r++) {
            for (int i = 0; i < expected[r].length; i++) {
                assertEquals(expected[r][i], got.get(r, i), 1e-4, what + " [" + r + ", " + i + "]");
            }
        }
    }

    private static void assertClose(double[] expected, Tensor got, String what) {
        for (int r = 0; r < expected.length; r++) {
            assertEquals(expected[r], got.getFlat(r), 1e-4, what + " [" + r + "]");
        }
    }

    /** An HSM's weights as plain double arrays, with the SGD step written out from its definition. */
    private static final class PlainHsm {
        double[][] clusterWeight;
        double[] clusterBias;
        double[][] classWeight;
        double[] classBias;

        static PlainHsm of(HierarchicalSoftmax h) {
            PlainHsm p = new PlainHsm();
            p.clusterWeight = rows(h.clusterWeight().value());
            p.clusterBias = toDoubles(h.clusterBias().value().toArray());
            p.classWeight = rows(h.classWeight().value());
            p.classBias = toDoubles(h.classBias().value().toArray());
            return p;
        }

        PlainHsm copy() {
            PlainHsm p = new PlainHsm();
            p.clusterWeight = java.util.Arrays.stream(clusterWeight).map(double[]::clone).toArray(double[][]::new);
            p.clusterBias = clusterBias.clone();
            p.classWeight = java.util.Arrays.stream(classWeight).map(double[]::clone).toArray(double[][]::new);
            p.classBias = classBias.clone();
            return p;
        }

        /**
         * One SGD step on −log p(target | x) with the cluster layer of {@code clusters} and the class layer of
         * {@code classes}, both updated in place; returns the input gradient (before the update).
         */
        static double[] sgd(PlainHsm clusters, PlainHsm classes, ClusterMapping m, float[] x, int target, float lr) {
            int nc = m.clusters(), c = m.clusterOf(target), n = m.clusterSize(c), idx = m.indexInCluster(target);
            double[] p = softmax(scores(clusters.clusterWeight, clusters.clusterBias, x, nc, j -> j));
            double[] q = softmax(scores(classes.classWeight, classes.classBias, x, n, j -> m.member(c, j)));
            double[] grad = new double[x.length];
            for (int j = 0; j < nc; j++) {
                double delta = p[j] - (j == c ? 1 : 0);
                for (int i = 0; i < x.length; i++) {
                    grad[i] += delta * clusters.clusterWeight[j][i];
                }
            }
            for (int j = 0; j < n; j++) {
                double delta = q[j] - (j == idx ? 1 : 0);
                for (int i = 0; i < x.length; i++) {
                    grad[i] += delta * classes.classWeight[m.member(c, j)][i];
                }
            }
            for (int j = 0; j < nc; j++) {
                double delta = p[j] - (j == c ? 1 : 0);
                for (int i = 0; i < x.length; i++) {
                    clusters.clusterWeight[j][i] -= lr * delta * x[i];
                }
                clusters.clusterBias[j] -= lr * delta;
            }
            for (int j = 0; j < n; j++) {
                double delta = q[j] - (j == idx ? 1 : 0);
                int row = m.member(c, j);
                for (int i = 0; i < x.length; i++) {
                    classes.classWeight[row][i] -= lr * delta * x[i];
                }
                classes.classBias[row] -= lr * delta;
            }
            return grad;
        }

        private static double[] scores(double[][] w, double[] b, float[] x, int n, java.util.function.IntUnaryOperator row) {
            double[] s = new double[n];
            for (int j = 0; j < n; j++) {
                int r = row.applyAsInt(j);
                s[j] = b[r];
                for (int i = 0; i < x.length; i++) {
                    s[j] += w[r][i] * x[i];
                }
            }
            return s;
        }

        private static double[] softmax(double[] s) {
            double lse = HierarchicalSoftmaxTest.logSumExp(s);
            double[] p = new double[s.length];
            for (int j = 0; j < s.length; j++) {
                p[j] = Math.exp(s[j] - lse);
            }
            return p;
        }

        private static double[][] rows(Tensor t) {
            double[][] r = new double[t.size(0)][];
            for (int i = 0; i < r.length; i++) {
                r[i] = toDoubles(t.select(i).toArray());
            }
            return r;
        }

        private static double[] toDoubles(float[] v) {
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i];
            }
            return d;
        }
    }
}
