package dev.kindling.bench.core;

import dev.kindling.core.backend.Backends;
import dev.kindling.core.nn.Bags;
import dev.kindling.core.nn.EmbeddingBag;
import dev.kindling.core.nn.Linear;
import dev.kindling.core.nn.LookupTable;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * EmbeddingBag forward+backward and Linear forward on the CPU backend, with the Vector API kernels and
 * with the plain Java ones. JMH runs each {@code kernels} value in its own JVM, and the property is set
 * before any Kindling class loads, so each fork really runs the kernels it names.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar CpuKernelBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
public class CpuKernelBenchmark {

    @Param({"vector", "scalar"})
    public String kernels;

    private EmbeddingBag bag;
    private Bags bags;
    private Tensor bagGrad;
    private Linear linear;
    private Tensor batch;
    private Tensor single;

    @Setup(Level.Trial)
    public void setUp() {
        System.setProperty("kindling.cpu.vector", String.valueOf(kernels.equals("vector")));
        String active = Backends.cpu().kernels().name();
        if (kernels.equals("vector") != active.startsWith("vector")) {
            throw new IllegalStateException("asked for " + kernels + " kernels but the backend runs " + active);
        }
        Random rng = new Random(42);
        // The GPU benchmark's shape (gpu.md): a 1M x 128 table, 4096 bags of 20 ids, mean.
        bag = new EmbeddingBag(1_000_000, 128, EmbeddingBag.Mode.MEAN, LookupTable.NO_PADDING, rng);
        int[] ids = new int[4096 * 20];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rng.nextInt(1_000_000);
        }
        bags = Bags.fixedLength(IndexTensor.of(ids, 4096, 20));
        bagGrad = Tensor.randn(rng, 1f, 4096, 128);
        linear = new Linear(512, 512, true, rng);
        batch = Tensor.randn(rng, 1f, 256, 512);
        single = Tensor.randn(rng, 1f, 1, 512);
    }

    @Benchmark
    public Object embeddingBagForwardBackward() {
        bag.zeroGradParameters();
        Tensor out = bag.forward(bags);
        bag.backward(bags, bagGrad);
        return out;
    }

    @Benchmark
    public Tensor linearForwardBatch256() {
        return linear.forward(batch);
    }

    @Benchmark
    public Tensor linearForwardSingle() {
        return linear.forward(single);
    }
}
