package dev.kindling.cuda;

import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

class CudaOptimTest extends CudaTestSupport {

    @Test
    void denseSgdWithMomentumNesterovAndAdagrad() {
        Random rng = new Random(41);
        int n = 4099;
        Tensor p = rand(rng, n), m = Tensor.zeros(n), s = positive(rng, n);
        Tensor gp = gpu(p), gm = gpu(m), gs = gpu(s);
        for (int step = 0; step < 3; step++) {
            Tensor g = rand(rng, n);
            cpu().optim().sgd(p, g, m, step == 0, 0.1f, 0.9f, 0.1f, 0.01f, step == 2);
            cuda().optim().sgd(gp, gpu(g), gm, step == 0, 0.1f, 0.9f, 0.1f, 0.01f, step == 2);
            cpu().optim().adagrad(p, g, s, 0.05f, 1e-8f, 0.001f);
            cuda().optim().adagrad(gp, gpu(g), gs, 0.05f, 1e-8f, 0.001f);
        }
        cpu().optim().sgd(p, rand(new Random(5), n), null, false, 0.3f, 0f, 0f, 0f, false);
        cuda().optim().sgd(gp, gpu(rand(new Random(5), n)), null, false, 0.3f, 0f, 0f, 0f, false);
        assertClose("params", p, gp, 1e-5, 1e-5);
        assertClose("momentum", m, gm, 1e-5, 1e-5);
        assertClose("sum of squares", s, gs, 1e-5, 1e-5);
    }

    @Test
    void rowSparseUpdatesTouchOnlyTheirRows() {
        Random rng = new Random(42);
        int rows = 301, dim = 37;
        Tensor p = rand(rng, rows, dim), m = Tensor.zeros(rows, dim), s = positive(rng, rows, dim);
        Tensor gp = gpu(p), gm = gpu(m), gs = gpu(s);
        for (int step = 0; step < 3; step++) {
            int[] r = java.util.stream.IntStream.of(randomIds(rng, 40, rows)).distinct().sorted().toArray();
            RowSparse g = new RowSparse(IndexTensor.of(r), rand(rng, r.length, dim), rows);
            RowSparse gg = new RowSparse(g.rows(), gpu(g.values()), rows);
            cpu().optim().sgdRows(p, g, m, 0.1f, 0.9f, 0f, 0.01f, step == 1);
            cuda().optim().sgdRows(gp, gg, gm, 0.1f, 0.9f, 0f, 0.01f, step == 1);
            cpu().optim().adagradRows(p, g, s, 0.05f, 1e-8f, 0f);
            cuda().optim().adagradRows(gp, gg, gs, 0.05f, 1e-8f, 0f);
            cpu().optim().sgdRows(p, g, null, 0.2f, 0f, 0f, 0f, false);
            cuda().optim().sgdRows(gp, gg, null, 0.2f, 0f, 0f, 0f, false);
        }
        assertClose("params", p, gp, 1e-5, 1e-5);
        assertClose("momentum", m, gm, 1e-5, 1e-5);
        assertClose("sum of squares", s, gs, 1e-5, 1e-5);
    }
}
