package dev.kindling.cuda;

import dev.kindling.core.nn.Bags;
import dev.kindling.core.nn.ClassNLLCriterion;
import dev.kindling.core.nn.EmbeddingBag;
import dev.kindling.core.nn.Linear;
import dev.kindling.core.nn.LogSoftMax;
import dev.kindling.core.nn.Module;
import dev.kindling.core.nn.Parameter;
import dev.kindling.core.nn.ReLU;
import dev.kindling.core.nn.Sequential;
import dev.kindling.core.nn.Tanh;
import dev.kindling.core.nn.conv.FeatureLPPooling;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Whole models run on the GPU without host round trips in the ops, and agree with the CPU. */
class CudaModulesTest extends CudaTestSupport {

    private static Sequential<Bags> model(Random rng) {
        return new Sequential<Bags>(new EmbeddingBag(503, 24, EmbeddingBag.Mode.MEAN, 0, rng)).add(new Linear(24, 31, true, rng))
                .add(new ReLU()).add(new Linear(31, 17, true, rng)).add(new Tanh()).add(new LogSoftMax());
    }

    @Test
    void embeddingBagMlpForwardBackwardMatchesTheCpu() {
        Sequential<Bags> cpuModel = model(new Random(71)), gpuModel = model(new Random(71));
        gpuModel.to(GPU);
        Random rng = new Random(72);
        int[] ids = randomIds(rng, 211, 503);
        int[] offsets = new int[23];
        for (int b = 1; b < offsets.length; b++) {
            offsets[b] = offsets[b - 1] + rng.nextInt(15);
        }
        Bags cpuBags = new Bags(IndexTensor.of(ids), IndexTensor.of(offsets), null);
        IndexTensor targets = IndexTensor.of(randomIds(rng, offsets.length, 17));
        ClassNLLCriterion crit = new ClassNLLCriterion();
        Tensor out = cpuModel.forward(cpuBags), gout = gpuModel.forward(cpuBags);
        assertEquals(GPU, gout.device());
        assertClose("model output", out, gout, 1e-4, 1e-4);
        assertEquals(crit.forward(out, targets), crit.forward(gout, targets), 1e-4);
        cpuModel.zeroGradParameters();
        gpuModel.zeroGradParameters();
        cpuModel.backward(cpuBags, crit.backward(out, targets));
        gpuModel.backward(cpuBags, crit.backward(gout, targets));
        Map<String, Parameter> want = cpuModel.namedParameters(), got = gpuModel.namedParameters();
        for (String name : want.keySet()) {
            Parameter a = want.get(name), b = got.get(name);
            if (a.sparseGrad() != null) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(a.sparseGrad().rows().data(), b.sparseGrad().rows().data(), name);
                assertClose("sparse grad of " + name, a.sparseGrad().values(), b.sparseGrad().values(), 1e-4, 1e-4);
            } else if (a.hasDenseGrad()) {
                assertClose("grad of " + name, a.grad(), b.grad(), 1e-4, 1e-4);
            }
        }
    }

    @Test
    void featureLpPoolingModuleOnTheGpu() {
        Random rng = new Random(73);
        Module<Tensor> pool = new FeatureLPPooling(3, 2, 2f, true);
        Tensor x = rand(rng, 4, 17, 5, 3);
        Tensor y = pool.forward(x), gy = pool.forward(gpu(x));
        assertClose("FeatureLPPooling", y, gy, 1e-5, 1e-6);
        Tensor go = rand(rng, y.shape());
        assertClose("FeatureLPPooling backward", pool.backward(x, go), pool.backward(gpu(x), gpu(go)), 1e-5, 1e-5);
        assertEquals(List.of(4, 8, 5, 3), java.util.Arrays.stream(gy.shape()).boxed().toList());
    }
}
