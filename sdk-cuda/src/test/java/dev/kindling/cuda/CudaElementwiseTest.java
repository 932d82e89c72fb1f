package dev.kindling.cuda;

import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CudaElementwiseTest extends CudaTestSupport {

    @Test
    void reluAndTanhForwardAndBackward() {
        Random rng = new Random(21);
        int[] shape = {131, 17};
        Tensor x = rand(rng, shape), go = rand(rng, shape);
        Tensor y = poisonedCpu(shape), gy = poisoned(shape), gi = poisonedCpu(shape), ggi = poisoned(shape);
        cpu().elementwise().relu(x, y);
        cuda().elementwise().relu(gpu(x), gy);
        assertClose("relu", y, gy, 0, 0);
        cpu().elementwise().reluBackward(x, go, gi);
        cuda().elementwise().reluBackward(gpu(x), gpu(go), ggi);
        assertClose("relu backward", gi, ggi, 0, 0);
        cpu().elementwise().tanh(x, y);
        cuda().elementwise().tanh(gpu(x), gy);
        assertClose("tanh", y, gy, 1e-6, 1e-6);
        cpu().elementwise().tanhBackward(y, go, gi);
        cuda().elementwise().tanhBackward(gpu(y), gpu(go), ggi);
        assertClose("tanh backward", gi, ggi, 1e-6, 1e-6);
    }

    @Test
    void logSoftmaxForwardAndBackwardOnWideAndNarrowRows() {
        Random rng = new Random(22);
        for (int[] shape : new int[][]{{67, 3}, {5, 1001}, {3, 2, 77}}) {
            Tensor x = rand(rng, shape), go = rand(rng, shape);
            cpu().blas().scale(x, 8f);
            Tensor y = poisonedCpu(shape), gy = poisoned(shape), gi = poisonedCpu(shape), ggi = poisoned(shape);
            cpu().elementwise().logSoftmax(x, y);
            cuda().elementwise().logSoftmax(gpu(x), gy);
            assertClose("logSoftmax", y, gy, 1e-5, 1e-5);
            cpu().elementwise().logSoftmaxBackward(y, go, gi);
            cuda().elementwise().logSoftmaxBackward(gy, gpu(go), ggi);
            assertClose("logSoftmax backward", gi, ggi, 1e-5, 1e-5);
        }
    }

    @Test
    void classNllWithAndWithoutWeights() {
        Random rng = new Random(23);
        int rows = 301, cols = 13;
        Tensor lp = rand(rng, rows, cols);
        IndexTensor t = IndexTensor.of(randomIds(rng, rows, cols));
        Tensor w = positive(rng, cols);
        for (Tensor weights : new Tensor[]{null, w}) {
            double[] want = new double[2], got = new double[2];
            cpu().elementwise().classNll(lp, t, weights, want);
            cuda().elementwise().classNll(gpu(lp), t, weights == null ? null : gpu(weights), got);
            assertEquals(want[0], got[0], 1e-9 * rows);
            assertEquals(want[1], got[1], 1e-9 * rows);
            Tensor gi = poisonedCpu(rows, cols), ggi = poisoned(rows, cols);
            cpu().elementwise().classNllBackward(gi, t, weights, 0.37f);
            cuda().elementwise().classNllBackward(ggi, t, weights == null ? null : gpu(weights), 0.37f);
            assertClose("classNll backward", gi, ggi, 0, 0);
        }
    }
}
