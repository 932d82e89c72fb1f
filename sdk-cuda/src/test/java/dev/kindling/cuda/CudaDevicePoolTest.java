package dev.kindling.cuda;

import dev.kindling.core.backend.QuantizationAxis;
import dev.kindling.core.device.ComputeDevice;
import dev.kindling.core.device.DevicePool;
import dev.kindling.core.nn.ClassNLLCriterion;
import dev.kindling.core.nn.Linear;
import dev.kindling.core.nn.LogSoftMax;
import dev.kindling.core.nn.Parameter;
import dev.kindling.core.nn.ReLU;
import dev.kindling.core.nn.Sequential;
import dev.kindling.core.onebit.OneBitConfig;
import dev.kindling.core.onebit.OneBitDataParallel;
import dev.kindling.core.onebit.Smoothing;
import dev.kindling.core.optim.Sgd;
import dev.kindling.core.parallel.DataParallel;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GPUs in a device pool: data-parallel and 1-bit data-parallel training with a replica on the GPU. */
class CudaDevicePoolTest extends CudaTestSupport {

    static final int IN = 37, HIDDEN = 19, CLASSES = 5;

    static Sequential<Tensor> mlp(long seed) {
        Random rng = new Random(seed);
        return Sequential.of(new Linear(IN, HIDDEN, true, rng), new ReLU(), new Linear(HIDDEN, CLASSES, true, rng), new LogSoftMax());
    }

    /** Mean loss of each of {@code steps} SGD steps on fresh random batches (labels: argmax of the first inputs). */
    static float[] train(DataParallel<Tensor> dp, int steps, long seed) {
        dp.setOptimizer(ps -> new Sgd(ps, 0.1f, 0.9f, 0f, 0f, false)).setTimeout(Duration.ofSeconds(60));
        Random rng = new Random(seed);
        ClassNLLCriterion crit = new ClassNLLCriterion();
        float[] losses = new float[steps];
        for (int s = 0; s < steps; s++) {
            Tensor x = rand(rng, 23, IN);
            int[] y = new int[23];
            for (int i = 0; i < 23; i++) {
                int best = 0;
                for (int c = 1; c < CLASSES; c++) {
                    best = x.get(i, c) > x.get(i, best) ? c : best;
                }
                y[i] = best;
            }
            dp.zeroGradParameters();
            losses[s] = dp.trainStep(x, IndexTensor.of(y), crit);
            dp.step();
        }
        return losses;
    }

    static DevicePool pool(Device... devices) {
        return DevicePool.open(List.of(devices), 4, Duration.ofSeconds(30));
    }

    @Test
    void tasksSubmittedToAGpuDeviceRunThere() throws Exception {
        Random rng = new Random(1);
        Tensor a = rand(rng, 33, 17), b = rand(rng, 17, 29);
        Tensor expected = Tensor.zeros(33, 29);
        cpu().blas().matmul(false, false, 1f, a, b, 0f, expected);
        try (DevicePool pool = pool(GPU)) {
            ComputeDevice gpu = pool.get(0);
            assertEquals(GPU, gpu.device());
            Tensor got = gpu.submit("matmul", () -> {
                Tensor ga = gpu.copyIn(a), gb = gpu.copyIn(b), gc = Tensor.zeros(GPU, 33, 29);
                ga.backend().blas().matmul(false, false, 1f, ga, gb, 0f, gc);
                return gc.to(Device.CPU);
            }).get();
            assertClose("matmul on the GPU worker", expected, got, 1e-4, 1e-5);
            assertTrue(gpu.stats().bytesMoved() >= (a.numel() + b.numel()) * Float.BYTES);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pool(Device.cuda(99)));
        assertTrue(e.getMessage().contains("no CUDA device cuda:99"), e.getMessage());
    }

    @Test
    void dataParallelWithAGpuReplicaMatchesTwoCpuReplicas() {
        float[] mixed, cpuOnly;
        Map<String, Parameter> mixedParams, cpuParams;
        try (DevicePool pool = pool(GPU, Device.CPU)) {
            DataParallel<Tensor> dp = DataParallel.ofTensors(0, pool, mlp(3), () -> mlp(4));
            mixed = train(dp, 5, 9);
            mixedParams = dp.replica(1).namedParameters();
        }
        try (DevicePool pool = DevicePool.cpu(2)) {
            DataParallel<Tensor> dp = DataParallel.ofTensors(0, pool, mlp(3), () -> mlp(4));
            cpuOnly = train(dp, 5, 9);
            cpuParams = dp.replica(1).namedParameters();
        }
        for (int s = 0; s < mixed.length; s++) {
            assertEquals(cpuOnly[s], mixed[s], 1e-4 * Math.max(1, Math.abs(cpuOnly[s])), "loss of step " + s);
        }
        cpuParams.forEach((name, p) -> assertClose(name, p.value(), mixedParams.get(name).value().to(Device.CPU), 1e-4, 1e-5));
    }

    @Test
    void oneBitDataParallelRunsWithAGpuReplica() {
        try (DevicePool pool = pool(GPU, Device.CPU)) {
            OneBitDataParallel<Tensor> dp = OneBitDataParallel.ofTensors(0, pool, mlp(5), () -> mlp(6),
                    new OneBitConfig(QuantizationAxis.PER_ROW, 64, Smoothing.none()));
            float[] losses = train(dp, 40, 11);
            assertTrue(dp.quantizedBytes() > 0, "gradients were quantized");
            assertTrue(losses[39] < 0.8 * losses[0], "1-bit training learns: " + losses[0] + " -> " + losses[39]);
            Map<String, Parameter> onCpu = dp.replica(1).namedParameters();
            dp.replica(0).namedParameters().forEach((name, p) ->
                    assertClose("replicas agree on " + name, onCpu.get(name).value(), p.value().to(Device.CPU), 1e-5, 1e-6));
        }
    }
}
