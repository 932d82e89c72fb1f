package dev.kindling.bench.serving;

import dev.kindling.core.hsm.BinaryTreeSoftmax;
import dev.kindling.core.hsm.ClusterBuilders;
import dev.kindling.core.hsm.ClusterMapping;
import dev.kindling.core.hsm.CodeTree;
import dev.kindling.core.hsm.HierarchicalSoftmax;
import dev.kindling.core.hsm.OutputLayer;
import dev.kindling.core.hsm.TopK;
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
 * Exact top-5 latency of one text vector as the label set grows (issue: serving latency flat in the number of
 * labels), for the two-level HSM ({@code hsm}) and the binary-tree softmax ({@code hs}), d = 100 as the sample
 * service. Random weights would make every label about equally likely and turn an exact search into a scan, so
 * the layers are built like trained ones: each label has a unit prototype vector, a label's output row points
 * along its prototype, a tree node's row along (left subtree's mean prototype − right's), an HSM cluster's row
 * along its members' mean. Labels come in topics of ⌈√N⌉ related labels (prototype = topic centroid + noise), and
 * the HSM's balanced clusters (consecutive ids) are those topics: the layout a semantically clustered model has.
 * With clusters that carry no meaning the cluster layer cannot tell where the answer is, and an exact top-k
 * must open most clusters (measured too: set {@code TOPIC_SPREAD} very large). Queries are a label's prototype
 * plus noise.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar TopKLatency -f 1 -wi 3 -i 5}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
@State(Scope.Thread)
public class TopKLatencyBenchmark {

    static final int DIM = 100;
    static final int QUERIES = 1024;
    /** Scale of the output rows: sets how peaked the model's answers are (a trained model's top label often has p > 0.5). */
    static final float SHARPNESS = 12f;
    /** How far a label's prototype lies from its topic's centroid (1: as far as centroids from each other). */
    static final float TOPIC_SPREAD = 0.5f;

    @Param({"20000", "100000", "1000000"})
    public int labels;

    @Param({"hsm", "hs"})
    public String kind;

    private OutputLayer layer;
    private Tensor[] queries;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        Random rng = new Random(7);
        // Labels come in topics (⌈√N⌉ consecutive ids share a centroid), as a real label set has related labels.
        int topicSize = ClusterBuilders.balanced(labels).clusterSize(0);
        float[] centroid = new float[DIM];
        float[] prototypes = new float[labels * DIM];
        for (int k = 0; k < labels; k++) {
            if (k % topicSize == 0) {
                for (int j = 0; j < DIM; j++) {
                    centroid[j] = (float) rng.nextGaussian();
                }
            }
            double norm = 0;
            for (int j = 0; j < DIM; j++) {
                float v = centroid[j] + TOPIC_SPREAD * (float) rng.nextGaussian();
                prototypes[k * DIM + j] = v;
                norm += v * v;
            }
            float inv = (float) (1 / Math.sqrt(norm));
            for (int j = 0; j < DIM; j++) {
                prototypes[k * DIM + j] *= inv;
            }
        }
        layer = kind.equals("hsm") ? hsm(prototypes) : tree(prototypes);
        queries = new Tensor[QUERIES];
        for (int q = 0; q < QUERIES; q++) {
            int k = rng.nextInt(labels);
            float[] x = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                x[j] = prototypes[k * DIM + j] + 0.3f * (float) rng.nextGaussian() / (float) Math.sqrt(DIM);
            }
            queries[q] = Tensor.of(x, 1, DIM);
        }
    }

    private HierarchicalSoftmax hsm(float[] prototypes) {
        ClusterMapping m = ClusterBuilders.balanced(labels);
        Tensor classW = Tensor.zeros(labels, DIM), clusterW = Tensor.zeros(m.clusters(), DIM);
        for (int k = 0; k < labels; k++) {
            for (int j = 0; j < DIM; j++) {
                classW.setFlat((long) k * DIM + j, SHARPNESS * prototypes[k * DIM + j]);
            }
        }
        for (int c = 0; c < m.clusters(); c++) {
            float[] mean = new float[DIM];
            for (int i = 0; i < m.clusterSize(c); i++) {
                int k = m.member(c, i);
                for (int j = 0; j < DIM; j++) {
                    mean[j] += prototypes[k * DIM + j];
                }
            }
            normalizeInto(mean, clusterW, c);
        }
        return new HierarchicalSoftmax(m, clusterW, Tensor.zeros(m.clusters()), classW, Tensor.zeros(labels, 1));
    }

    private BinaryTreeSoftmax tree(float[] prototypes) {
        CodeTree t = CodeTree.huffman(new long[labels]);
        Tensor nodeW = Tensor.zeros(t.nodes(), DIM);
        float[][] sums = new float[t.nodes()][];
        for (int n = 0; n < t.nodes(); n++) {
            subtreeSum(t, n, prototypes, sums, nodeW);
        }
        return new BinaryTreeSoftmax(t, nodeW, Tensor.zeros(t.nodes(), 1));
    }

    /** Sum of a subtree's prototypes (memoized); sets the node's row along left mean − right mean. */
    private float[] subtreeSum(CodeTree t, int node, float[] prototypes, float[][] sums, Tensor nodeW) {
        if (sums[node] != null) {
            return sums[node];
        }
        float[] left = childSum(t, t.left(node), prototypes, sums, nodeW);
        float[] right = childSum(t, t.right(node), prototypes, sums, nodeW);
        float[] diff = new float[DIM], sum = new float[DIM];
        for (int j = 0; j < DIM; j++) {
            diff[j] = left[j] - right[j];
            sum[j] = left[j] + right[j];
        }
        normalizeInto(diff, nodeW, node);
        sums[node] = sum;
        return sum;
    }

    private float[] childSum(CodeTree t, int child, float[] prototypes, float[][] sums, Tensor nodeW) {
        if (child < 0) {
            int k = -1 - child;
            float[] p = new float[DIM];
            System.arraycopy(prototypes, k * DIM, p, 0, DIM);
            return p;
        }
        return subtreeSum(t, child, prototypes, sums, nodeW);
    }

    private static void normalizeInto(float[] v, Tensor table, int row) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float scale = norm == 0 ? 0 : (float) (SHARPNESS / Math.sqrt(norm));
        for (int j = 0; j < DIM; j++) {
            table.setFlat((long) row * DIM + j, v[j] * scale);
        }
    }

    @Benchmark
    public TopK top5() {
        Tensor q = queries[next];
        next = (next + 1) & (QUERIES - 1);
        return layer.topK(q, 5);
    }
}
