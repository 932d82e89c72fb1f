package dev.kindling.cuda;

import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CudaEmbeddingTest extends CudaTestSupport {

    private static final int PAD = 3;

    private static void assertSameSparse(String what, RowSparse want, RowSparse got) {
        assertArrayEquals(want.rows().data(), got.rows().data(), what + ": rows");
        assertEquals(want.totalRows(), got.totalRows());
        assertClose(what + ": values", want.values(), got.values(), 1e-5, 1e-5);
    }

    /** Bags of random lengths, with empty bags and some padding ids. */
    private static int[] offsets(Random rng, int bags, int ids) {
        int[] off = new int[bags];
        for (int b = 1; b < bags; b++) {
            off[b] = Math.min(ids, off[b - 1] + rng.nextInt(2 * ids / bags + 1));
        }
        return off;
    }

    @Test
    void gatherAndLookupBackwardWithManyDuplicates() {
        Random rng = new Random(31);
        int rows = 70_001, dim = 67;
        Tensor table = rand(rng, rows, dim);
        // More ids than one sort tile, few distinct values (long runs), ids needing three radix passes.
        int[] ids = randomIds(rng, 5003, 300);
        for (int i = 0; i < ids.length; i += 7) {
            ids[i] = rows - 1 - rng.nextInt(5);
        }
        ids[10] = PAD;
        IndexTensor idx = IndexTensor.of(ids);
        Tensor out = poisonedCpu(ids.length, dim), gout = poisoned(ids.length, dim);
        cpu().embedding().gatherRows(table, idx, out);
        cuda().embedding().gatherRows(gpu(table), idx, gout);
        assertClose("gatherRows", out, gout, 0, 0);
        Tensor grad = rand(rng, ids.length, dim);
        RowSparse want = cpu().embedding().lookupBackward(idx, grad, PAD, rows);
        RowSparse got = cuda().embedding().lookupBackward(idx, gpu(grad), PAD, rows);
        assertSameSparse("lookupBackward", want, got);
        RowSparse again = cuda().embedding().lookupBackward(idx, gpu(grad), PAD, rows);
        assertArrayEquals(got.values().toArray(), again.values().toArray(), "deterministic: the same bits on every run");
        RowSparse allPad = cuda().embedding().lookupBackward(IndexTensor.of(PAD, PAD), gpu(rand(rng, 2, dim)), PAD, rows);
        assertEquals(0, allPad.nnzRows());
    }

    @Test
    void setRowsWritesExactlyTheGivenRows() {
        Random rng = new Random(33);
        int rows = 10_007, dim = 37;
        Tensor table = rand(rng, rows, dim);
        Tensor gtable = gpu(table);
        int[] picked = {0, 5, rows - 1, 4_321, 77, 9_999};
        Tensor values = rand(rng, picked.length, dim);
        cpu().embedding().setRows(table, IndexTensor.of(picked), values);
        cuda().embedding().setRows(gtable, IndexTensor.of(picked), gpu(values));
        assertClose("setRows", table, gtable, 0, 0);
        assertEquals(values.get(2, 36), gtable.to(dev.kindling.core.tensor.Device.CPU).get(rows - 1, 36));
        cuda().embedding().setRows(gtable, IndexTensor.of(new int[0]), gpu(rand(rng, 1, dim)).narrow(0, 0));
        assertClose("setRows of no rows", table, gtable, 0, 0);
    }

    @Test
    void embeddingBagForwardBackwardAndWeightGradients() {
        Random rng = new Random(32);
        int rows = 1009, dim = 33, n = 2011, bags = 203;
        Tensor table = rand(rng, rows, dim);
        int[] ids = randomIds(rng, n, rows);
        for (int i = 0; i < n; i += 13) {
            ids[i] = PAD;
        }
        IndexTensor idx = IndexTensor.of(ids), off = IndexTensor.of(offsets(rng, bags, n));
        Tensor w = rand(rng, n);
        for (boolean mean : new boolean[]{false, true}) {
            for (Tensor weights : new Tensor[]{null, w}) {
                String what = (mean ? "mean" : "sum") + (weights == null ? "" : " weighted");
                Tensor gw = weights == null ? null : gpu(weights);
                Tensor out = poisonedCpu(bags, dim), gout = poisoned(bags, dim);
                cpu().embedding().embeddingBag(table, idx, off, weights, mean, PAD, out);
                cuda().embedding().embeddingBag(gpu(table), idx, off, gw, mean, PAD, gout);
                assertClose("embeddingBag " + what, out, gout, 1e-5, 1e-5);
                Tensor grad = rand(rng, bags, dim);
                assertSameSparse("embeddingBagBackward " + what,
                        cpu().embedding().embeddingBagBackward(idx, off, weights, mean, PAD, grad, rows),
                        cuda().embedding().embeddingBagBackward(idx, off, gw, mean, PAD, gpu(grad), rows));
                Tensor wg = poisonedCpu(n), gwg = poisoned(n);
                cpu().embedding().embeddingBagWeightGrad(table, idx, off, mean, PAD, grad, wg);
                cuda().embedding().embeddingBagWeightGrad(gpu(table), idx, off, mean, PAD, gpu(grad), gwg);
                assertClose("embeddingBagWeightGrad " + what, wg, gwg, 1e-5, 1e-5);
            }
        }
    }

    @Test
    void renormAddRowsAndScatterAdd() {
        Random rng = new Random(33);
        int rows = 501, dim = 19;
        Tensor table = rand(rng, rows, dim);
        cpu().blas().scale(table, 3f);
        Tensor gt = gpu(table);
        IndexTensor ids = IndexTensor.of(randomIds(rng, 301, rows));
        for (float p : new float[]{1f, 2f, 3f}) {
            cpu().embedding().renormRows(table, ids, 1.5f, p);
            cuda().embedding().renormRows(gt, ids, 1.5f, p);
            assertClose("renormRows p=" + p, table, gt, 1e-5, 1e-5);
        }
        RowSparse a = new RowSparse(IndexTensor.of(1, 4, 9, 100), rand(rng, 4, dim), rows);
        RowSparse b = new RowSparse(IndexTensor.of(0, 4, 100, 500), rand(rng, 4, dim), rows);
        RowSparse gA = new RowSparse(a.rows(), gpu(a.values()), rows), gB = new RowSparse(b.rows(), gpu(b.values()), rows);
        assertSameSparse("addRows", cpu().embedding().addRows(a, b), cuda().embedding().addRows(gA, gB));
        cpu().embedding().scatterAddRows(a, -0.5f, table);
        cuda().embedding().scatterAddRows(gA, -0.5f, gt);
        assertClose("scatterAddRows", table, gt, 1e-6, 1e-6);
    }
}
