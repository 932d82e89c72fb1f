package dev.kindling.cuda;

import dev.kindling.core.backend.HsmOps;
import dev.kindling.core.backend.HsmTables;
import dev.kindling.core.hsm.ClusterMapping;
import dev.kindling.core.hsm.HierarchicalSoftmax;
import dev.kindling.core.hsm.TopK;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CudaHsmTest extends CudaTestSupport {

    private static final int DIM = 29;

    /** Clusters of uneven sizes; contiguous = consecutive class ids per cluster, else a random assignment. */
    private static HsmTables tables(Random rng, int classes, int[] sizes, boolean contiguous, boolean onGpu) {
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            perm.add(i);
        }
        if (!contiguous) {
            Collections.shuffle(perm, rng);
        }
        int nc = sizes.length;
        int[] memberStart = new int[nc + 1], members = new int[classes], cluster = new int[classes], index = new int[classes];
        for (int c = 0, k = 0; c < nc; c++) {
            memberStart[c + 1] = memberStart[c] + sizes[c];
            for (int j = 0; j < sizes[c]; j++, k++) {
                members[k] = perm.get(k);
                cluster[members[k]] = c;
                index[members[k]] = j;
            }
        }
        Tensor cw = rand(rng, nc, DIM), cb = rand(rng, nc), vw = rand(rng, classes, DIM), vb = rand(rng, classes, 1);
        if (onGpu) {
            cw = gpu(cw);
            cb = gpu(cb);
            vw = gpu(vw);
            vb = gpu(vb);
        }
        return HsmTables.of(cw, cb, vw, vb, memberStart, members, cluster, index);
    }

    private static HsmTables onGpu(HsmTables t) {
        return HsmTables.of(gpu(t.clusterWeight()), gpu(t.clusterBias()), gpu(t.classWeight()), gpu(t.classBias()), t.memberStart(),
                t.members(), t.classCluster(), t.classIndex());
    }

    private static final int[] SIZES = {37, 1, 120, 64, 5, 211, 33};

    @Test
    void forwardLogProbabilitiesMatchTheCpu() {
        for (boolean contiguous : new boolean[]{true, false}) {
            Random rng = new Random(61);
            HsmTables t = tables(rng, 471, SIZES, contiguous, false), g = onGpu(t);
            int batch = 203;
            Tensor x = rand(rng, batch, DIM);
            IndexTensor targets = IndexTensor.of(randomIds(rng, batch, 471));
            Tensor lp = poisonedCpu(batch), glp = poisoned(batch);
            cpu().hsm().targetLogProbs(t, x, targets, lp);
            cuda().hsm().targetLogProbs(g, gpu(x), targets, glp);
            assertClose("targetLogProbs contiguous=" + contiguous, lp, glp, 1e-4, 1e-4);
            Tensor clp = poisonedCpu(batch, SIZES.length), gclp = poisoned(batch, SIZES.length);
            cpu().hsm().clusterLogProbs(t, x, clp);
            cuda().hsm().clusterLogProbs(g, gpu(x), gclp);
            assertClose("clusterLogProbs", clp, gclp, 1e-4, 1e-4);
            for (int c = 0; c < SIZES.length; c++) {
                Tensor m = poisonedCpu(SIZES[c]), gm = poisoned(SIZES[c]);
                cpu().hsm().memberLogProbs(t, x, 7, c, m);
                cuda().hsm().memberLogProbs(g, gpu(x), 7, c, gm);
                assertClose("memberLogProbs cluster " + c, m, gm, 1e-4, 1e-4);
            }
        }
    }

    @Test
    void backwardGradientsMatchTheCpuAndTouchOnlyTargetClusters() {
        for (boolean contiguous : new boolean[]{true, false}) {
            Random rng = new Random(62);
            HsmTables t = tables(rng, 471, SIZES, contiguous, false), g = onGpu(t);
            int batch = 97;
            Tensor x = rand(rng, batch, DIM), go = rand(rng, batch);
            // Targets from three clusters only: the gradient must not name the other clusters' rows.
            int[] ids = new int[batch];
            for (int b = 0; b < batch; b++) {
                int c = new int[]{0, 2, 5}[b % 3];
                ids[b] = t.members()[t.memberStart()[c] + rng.nextInt(SIZES[c])];
            }
            IndexTensor targets = IndexTensor.of(ids);
            Tensor gi = poisonedCpu(batch, DIM), ggi = poisoned(batch, DIM);
            Tensor cwg = rand(rng, SIZES.length, DIM), cbg = rand(rng, SIZES.length);
            Tensor gcwg = gpu(cwg), gcbg = gpu(cbg);
            HsmOps.ClassGradients want = cpu().hsm().backward(t, x, targets, go, gi, cwg, cbg);
            HsmOps.ClassGradients got = cuda().hsm().backward(g, gpu(x), targets, gpu(go), ggi, gcwg, gcbg);
            String what = " contiguous=" + contiguous;
            assertClose("gradInput" + what, gi, ggi, 1e-4, 1e-4);
            assertClose("clusterWeightGrad" + what, cwg, gcwg, 1e-4, 1e-4);
            assertClose("clusterBiasGrad" + what, cbg, gcbg, 1e-4, 1e-4);
            assertArrayEquals(want.weight().rows().data(), got.weight().rows().data(), "class rows" + what);
            assertEquals(SIZES[0] + SIZES[2] + SIZES[5], got.weight().nnzRows());
            assertClose("class weight grad" + what, want.weight().values(), got.weight().values(), 1e-4, 1e-4);
            assertClose("class bias grad" + what, want.bias().values(), got.bias().values(), 1e-4, 1e-4);
        }
    }

    @Test
    void trainStepOfOneExampleMatchesTheCpuAndBatchesAreMiniBatchSgd() {
        for (boolean contiguous : new boolean[]{true, false}) {
            Random rng = new Random(63);
            HsmTables t = tables(rng, 471, SIZES, contiguous, false), g = onGpu(t);
            float lr = 0.05f;
            // One example per call: exactly the CPU's sequential rule.
            for (int step = 0; step < 4; step++) {
                Tensor x = rand(rng, 1, DIM);
                IndexTensor target = IndexTensor.of(rng.nextInt(471));
                Tensor gi = poisonedCpu(1, DIM), ggi = poisoned(1, DIM), loss = poisonedCpu(1), gloss = poisoned(1);
                cpu().hsm().trainStep(t, x, target, lr, gi, loss);
                cuda().hsm().trainStep(g, gpu(x), target, lr, ggi, gloss);
                assertClose("loss", loss, gloss, 1e-4, 1e-4);
                assertClose("gradInput", gi, ggi, 1e-4, 1e-4);
            }
            assertClose("cluster weights after single steps", t.clusterWeight(), g.clusterWeight(), 1e-4, 1e-4);
            assertClose("class weights after single steps", t.classWeight(), g.classWeight(), 1e-4, 1e-4);
            assertClose("class biases after single steps", t.classBias(), g.classBias(), 1e-4, 1e-4);
            // A batch: all examples against the starting weights, then the summed step.
            int batch = 61;
            Tensor x = rand(rng, batch, DIM);
            IndexTensor targets = IndexTensor.of(randomIds(rng, batch, 471));
            Tensor lp = Tensor.zeros(batch);
            cpu().hsm().targetLogProbs(t, x, targets, lp);
            Tensor gi = Tensor.zeros(batch, DIM), cwg = Tensor.zeros(SIZES.length, DIM), cbg = Tensor.zeros(SIZES.length);
            Tensor ones = Tensor.of(filled(batch), batch);
            HsmOps.ClassGradients grads = cpu().hsm().backward(t, x, targets, ones, gi, cwg, cbg);
            cpu().blas().axpy(-lr, cwg, t.clusterWeight());
            cpu().blas().axpy(-lr, cbg, t.clusterBias());
            cpu().embedding().scatterAddRows(grads.weight(), -lr, t.classWeight());
            cpu().embedding().scatterAddRows(grads.bias(), -lr, t.classBias());
            Tensor ggi = poisoned(batch, DIM), gloss = poisoned(batch);
            cuda().hsm().trainStep(g, gpu(x), targets, lr, ggi, gloss);
            cpu().blas().scale(lp, -1f);
            assertClose("batch loss", lp, gloss, 1e-4, 1e-4);
            assertClose("batch gradInput", gi, ggi, 1e-4, 1e-4);
            assertClose("cluster weights after a batch step", t.clusterWeight(), g.clusterWeight(), 1e-4, 1e-4);
            assertClose("cluster biases after a batch step", t.clusterBias(), g.clusterBias(), 1e-4, 1e-4);
            assertClose("class weights after a batch step", t.classWeight(), g.classWeight(), 1e-4, 1e-4);
            assertClose("class biases after a batch step", t.classBias(), g.classBias(), 1e-4, 1e-4);
        }
    }

    private static float[] filled(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    @Test
    void moduleTopKOnTheGpuEqualsTheCpu() {
        Random rng = new Random(64);
        int classes = 300;
        int[] clusterOf = new int[classes];
        for (int i = 0; i < classes; i++) {
            clusterOf[i] = rng.nextInt(11);
        }
        ClusterMapping mapping = ClusterMapping.fromClusters(clusterOf);
        HierarchicalSoftmax cpuHsm = new HierarchicalSoftmax(mapping, DIM, new Random(5));
        HierarchicalSoftmax gpuHsm = new HierarchicalSoftmax(mapping, DIM, new Random(5));
        gpuHsm.to(GPU);
        Tensor x = rand(rng, 1, DIM);
        cpu().blas().scale(x, 4f);
        TopK want = cpuHsm.topK(x, 9), got = gpuHsm.topK(gpu(x), 9);
        assertArrayEquals(want.classes(), got.classes());
        for (int i = 0; i < 9; i++) {
            assertEquals(want.logProbs()[i], got.logProbs()[i], 1e-4);
        }
    }
}
