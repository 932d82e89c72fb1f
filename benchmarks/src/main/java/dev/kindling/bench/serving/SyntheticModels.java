package dev.kindling.bench.serving;

import dev.kindling.core.hsm.BinaryTreeSoftmax;
import dev.kindling.core.hsm.ClusterBuilders;
import dev.kindling.core.hsm.ClusterMapping;
import dev.kindling.core.hsm.CodeTree;
import dev.kindling.core.hsm.HierarchicalSoftmax;
import dev.kindling.core.hsm.OutputLayer;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.text.BucketIndex;
import dev.kindling.core.text.Dictionary;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.TextFeatures;
import dev.kindling.core.text.TrainingArgs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Text classifiers with many labels, built like trained ones, to measure serving as the label set grows (in-process
 * with JMH and over HTTP). Labels come in topics of ⌈√N⌉ (prototype = topic centroid + noise, unit length); an output
 * row points along its label's prototype (an HSM cluster's along its members' mean, a tree node's along left mean −
 * right mean); the HSM's balanced clusters are the topics. Word {@code w<i>}'s input row is the prototype of label
 * {@link #labelOfWord}: words {@code i}, {@code i + T}, {@code i + 2T}, … (T topics) belong to one topic, so a text of
 * such words is about one topic (as most real texts are) and a text of random words is about none.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.kindling.bench.serving.SyntheticModels DIR 20000,100000,1000000 hsm,hs}
 * writes {@code DIR/synthetic-<kind>-<labels>.bin}.
 */
public final class SyntheticModels {

    static final int DIM = 100;
    static final int WORDS = 50_000;
    /** Scale of the output rows: a trained model's top label often has p above 0.5. */
    static final float SHARPNESS = 12f;
    static final float TOPIC_SPREAD = 0.5f;

    private SyntheticModels() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        for (String n : args[1].split(",")) {
            for (String kind : args[2].split(",")) {
                int labels = Integer.parseInt(n.trim());
                Path f = dir.resolve("synthetic-" + kind + "-" + labels + ".bin");
                long t0 = System.nanoTime();
                build(labels, kind.trim()).save(f);
                System.out.printf("%s: %d labels, %s, %.1f s, %d MB%n", f, labels, kind, (System.nanoTime() - t0) / 1e9, Files.size(f) >> 20);
            }
        }
    }

    /** A classifier over {@code labels} labels with an {@code hsm} or {@code hs} output layer. */
    public static TextClassifier build(int labels, String kind) {
        float[] prototypes = prototypes(labels, new Random(7));
        OutputLayer output = kind.equals("hsm") ? hsm(labels, prototypes) : tree(labels, prototypes);
        String[] words = new String[WORDS];
        long[] wordCounts = new long[WORDS];
        boolean[] active = new boolean[WORDS];
        Tensor input = Tensor.zeros(WORDS, DIM);
        int topicSize = ClusterBuilders.balanced(labels).clusterSize(0);   // once: building the mapping is O(labels)
        for (int w = 0; w < WORDS; w++) {
            words[w] = "w" + w;
            wordCounts[w] = 1;
            active[w] = true;
            int k = labelOfWord(w, labels, topicSize);
            for (int j = 0; j < DIM; j++) {
                input.setFlat((long) w * DIM + j, prototypes[k * DIM + j]);
            }
        }
        String[] labelNames = new String[labels];
        long[] labelCounts = new long[labels];
        for (int k = 0; k < labels; k++) {
            labelNames[k] = "__label__l" + k;
            labelCounts[k] = 1;
        }
        Dictionary dict = new Dictionary("__label__", TextFeatures.wordNgrams(1, 0), BucketIndex.all(0), 0, words, wordCounts, active,
                labelNames, labelCounts);
        TrainingArgs args = TrainingArgs.defaults().withDim(DIM).withBucket(0)
                .withLoss(kind.equals("hsm") ? TrainingArgs.Loss.HSM : TrainingArgs.Loss.HS);
        return new TextClassifier(args, dict, input, output);
    }

    /** Topics: ⌈√N⌉ labels each. */
    static int topics(int labels) {
        int size = ClusterBuilders.balanced(labels).clusterSize(0);
        return (labels + size - 1) / size;
    }

    /** Word w's label: in topic w mod T, at index (w / T) within it (wrapped to the topic's size of {@code size}). */
    static int labelOfWord(int w, int labels, int size) {
        int t = (labels + size - 1) / size;
        int topic = w % t;
        int inTopic = (w / t) % Math.min(size, labels - topic * size);
        return topic * size + inTopic;
    }

    static float[] prototypes(int labels, Random rng) {
        int topicSize = ClusterBuilders.balanced(labels).clusterSize(0);
        float[] centroid = new float[DIM];
        float[] p = new float[labels * DIM];
        for (int k = 0; k < labels; k++) {
            if (k % topicSize == 0) {
                for (int j = 0; j < DIM; j++) {
                    centroid[j] = (float) rng.nextGaussian();
                }
            }
            double norm = 0;
            for (int j = 0; j < DIM; j++) {
                float v = centroid[j] + TOPIC_SPREAD * (float) rng.nextGaussian();
                p[k * DIM + j] = v;
                norm += v * v;
            }
            float inv = (float) (1 / Math.sqrt(norm));
            for (int j = 0; j < DIM; j++) {
                p[k * DIM + j] *= inv;
            }
        }
        return p;
    }

    static HierarchicalSoftmax hsm(int labels, float[] prototypes) {
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

    static BinaryTreeSoftmax tree(int labels, float[] prototypes) {
        CodeTree t = CodeTree.huffman(new long[labels]);
        Tensor nodeW = Tensor.zeros(t.nodes(), DIM);
        float[][] sums = new float[t.nodes()][];
        for (int n = 0; n < t.nodes(); n++) {
            subtreeSum(t, n, prototypes, sums, nodeW);
        }
        return new BinaryTreeSoftmax(t, nodeW, Tensor.zeros(t.nodes(), 1));
    }

    private static float[] subtreeSum(CodeTree t, int node, float[] prototypes, float[][] sums, Tensor nodeW) {
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

    private static float[] childSum(CodeTree t, int child, float[] prototypes, float[][] sums, Tensor nodeW) {
        if (child < 0) {
            int k = -1 - child;
            return Arrays.copyOfRange(prototypes, k * DIM, (k + 1) * DIM);
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
}
