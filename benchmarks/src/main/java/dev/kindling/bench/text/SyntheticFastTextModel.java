package dev.kindling.bench.text;

import dev.kindling.core.fasttext.FastTextModelWriter;
import dev.kindling.core.hsm.BinaryTreeSoftmax;
import dev.kindling.core.hsm.FastTextHuffmanTree;
import dev.kindling.core.hsm.FullSoftmax;
import dev.kindling.core.hsm.OutputLayer;
import dev.kindling.core.hsm.ScoreConvention;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.text.BucketIndex;
import dev.kindling.core.text.Dictionary;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.TextFeatures;
import dev.kindling.core.text.TrainingArgs;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Writes a fastText {@code .bin} with random weights and any number of labels, to time loading and prediction
 * of very large models (fastText and Kindling read the same file) without training one first. Usage:
 * {@code SyntheticFastTextModel OUT.bin LABELS WORDS DIM [hs|softmax] [BUCKETS=0]}.
 */
public final class SyntheticFastTextModel {

    private SyntheticFastTextModel() {
    }

    public static void main(String[] a) throws Exception {
        int labels = Integer.parseInt(a[1]), words = Integer.parseInt(a[2]), dim = Integer.parseInt(a[3]);
        boolean hs = a.length <= 4 || a[4].equals("hs");
        int buckets = a.length > 5 ? Integer.parseInt(a[5]) : 0;
        Random rng = new Random(1);
        String[] w = new String[words];
        long[] wc = new long[words];
        w[0] = "</s>";
        wc[0] = 1_000_000;
        for (int i = 1; i < words; i++) {
            w[i] = "w" + i;
            wc[i] = 1 + 1_000_000 / (i + 1);
        }
        String[] l = new String[labels];
        long[] lc = new long[labels];
        for (int k = 0; k < labels; k++) {
            l[k] = "__label__L" + k;
            lc[k] = 1 + 10_000_000L / (k + 1);
        }
        boolean[] active = new boolean[words];
        Arrays.fill(active, true);
        TextFeatures f = new TextFeatures(buckets > 0 ? 2 : 1, 0, 0, buckets, dev.kindling.core.text.NgramHashing.FASTTEXT);
        Dictionary d = new Dictionary("__label__", f, BucketIndex.all(buckets), 0, w, wc, active, l, lc);
        TrainingArgs args = TrainingArgs.defaults().withDim(dim).withBucket(buckets).withWordNgrams(f.wordNgrams())
                .withLoss(hs ? TrainingArgs.Loss.HS : TrainingArgs.Loss.SOFTMAX).withTree(TrainingArgs.Tree.HUFFMAN);
        Tensor input = Tensor.rand(rng, -0.1f, 0.1f, d.inputRows(), dim);
        OutputLayer out = hs ? new BinaryTreeSoftmax(FastTextHuffmanTree.build(lc), Tensor.rand(rng, -0.1f, 0.1f, labels - 1, dim),
                Tensor.zeros(labels - 1, 1)) : new FullSoftmax(Tensor.rand(rng, -0.1f, 0.1f, labels, dim), Tensor.zeros(labels),
                ScoreConvention.EXACT);
        FastTextModelWriter.write(new TextClassifier(args, d, input, out), Path.of(a[0]));
        System.out.println("wrote " + a[0] + ": " + labels + " labels, " + words + " words, " + buckets + " buckets, dim " + dim);
    }
}
