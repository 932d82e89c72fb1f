package dev.kindling.bench.hsm;

import dev.kindling.core.hsm.BinaryTreeSoftmax;
import dev.kindling.core.hsm.ClusterBuilders;
import dev.kindling.core.hsm.ClusterMapping;
import dev.kindling.core.hsm.HierarchicalSoftmax;
import dev.kindling.core.hsm.HsmBatch;
import dev.kindling.core.hsm.CodeTree;
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
 * Forward + backward time per training example (d = 128) of the two-level HSM with ⌈√N⌉ balanced
 * clusters, against a full softmax over the same N classes. The full softmax is the same kernel code
 * with a single cluster (exactly softmax over all classes, cluster term constant), so the ratio measures
 * the algorithm, not two implementations. {@code hsmStep}/{@code softmaxStep}: the direct-update path
 * (loss, input gradient and SGD step). {@code hsmModule}: the module path (forward, backward into
 * row-sparse gradients, no update). {@code treeStep}: the binary-tree softmax (fastText's hs) over a
 * Huffman tree of equal class counts (a balanced tree, ⌈log₂ N⌉ nodes per path), direct-update path.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar HsmVsSoftmax -f 1 -wi 2 -i 3}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
@State(Scope.Thread)
public class HsmVsSoftmaxBenchmark {

    @Param({"10000", "100000", "1000000"})
    public int classes;

    public static final int DIM = 128;

    private HierarchicalSoftmax hsm;
    private HierarchicalSoftmax softmax;
    private BinaryTreeSoftmax tree;
    private Tensor x, gradInput, loss, one;
    private int[] target;
    private IndexTensor targetIds;
    private Random rng;

    @Setup(Level.Trial)
    public void setUp() {
        Random init = new Random(1);
        hsm = new HierarchicalSoftmax(ClusterBuilders.balanced(classes), DIM, init);
        softmax = new HierarchicalSoftmax(ClusterMapping.fromClusters(new int[classes]), DIM, init);
        tree = new BinaryTreeSoftmax(CodeTree.huffman(new long[classes]), DIM, init);
        x = Tensor.randn(init, 1f, 1, DIM);
        gradInput = Tensor.zeros(1, DIM);
        loss = Tensor.zeros(1);
        one = Tensor.of(new float[]{1f}, 1);
        target = new int[1];
        targetIds = IndexTensor.wrap(target, 1);
        rng = new Random(2);
    }

    @Benchmark
    public Tensor hsmStep() {
        target[0] = rng.nextInt(classes);
        hsm.trainStep(x, targetIds, 1e-3f, gradInput, loss);
        return gradInput;
    }

    @Benchmark
    public Tensor softmaxStep() {
        target[0] = rng.nextInt(classes);
        softmax.trainStep(x, targetIds, 1e-3f, gradInput, loss);
        return gradInput;
    }

    @Benchmark
    public Tensor treeStep() {
        target[0] = rng.nextInt(classes);
        tree.trainStep(x, targetIds, 1e-3f, gradInput, loss);
        return gradInput;
    }

    @Benchmark
    public Tensor hsmModule() {
        target[0] = rng.nextInt(classes);
        HsmBatch batch = new HsmBatch(x, targetIds);
        hsm.zeroGradParameters();
        Tensor l = hsm.forward(batch);
        return hsm.backward(batch, one).input().numel() > 0 ? l : null;
    }
}
