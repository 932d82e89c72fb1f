package dev.kindling.core.fasttext;

import dev.kindling.core.hsm.ScoreConvention;
import dev.kindling.core.hsm.TopK;
import dev.kindling.core.text.LabelledLines;
import dev.kindling.core.text.SupervisedTrainer;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.Tokenizer;
import dev.kindling.core.text.TrainingArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Kindling writes fastText {@code .bin} files that fastText reads as it reads its own. */
class FastTextModelWriterTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"softmax.bin", "hs.bin", "ns.bin", "ova.bin", "subword.bin", "big-hs.bin"})
    void aModelReadFromFastTextIsWrittenBackByteForByte(String model) throws IOException {
        Path written = dir.resolve(model);
        FastTextModelWriter.write(ModelFiles.load(FastTextFixtures.file(model)), written);
        assertArrayEquals(Files.readAllBytes(FastTextFixtures.file(model)), Files.readAllBytes(written));
    }

    private static TextClassifier trained(TrainingArgs.Loss loss, TrainingArgs.Tree tree) throws IOException {
        LabelledLines.Result data;
        try (InputStream in = Files.newInputStream(FastTextFixtures.file("single-test.txt"))) {
            data = LabelledLines.read(in, "__label__");
        }
        TrainingArgs args = TrainingArgs.defaults().withLoss(loss).withTree(tree).withDim(8).withEpoch(20).withLr(0.5f).withThread(1)
                .withWordNgrams(2).withBucket(5000).withMinn(2).withMaxn(3).withVerbose(0);
        return SupervisedTrainer.train(data.lines(), args, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SOFTMAX", "HS", "NS", "OVA"})
    void aKindlingModelReadBackAsFastTextPredictsTheSame(String lossName) throws IOException {
        TrainingArgs.Loss loss = TrainingArgs.Loss.valueOf(lossName);
        TextClassifier model = trained(loss, TrainingArgs.Tree.HUFFMAN);
        Path file = dir.resolve("kindling.bin");
        FastTextModelWriter.write(model, file);
        TextClassifier back = ModelFiles.load(file);
        assertEquals(ScoreConvention.FASTTEXT, back.output().scoreConvention());
        for (String line : FastTextFixtures.lines("single-test.txt")) {
            TopK a = model.predictIds(Tokenizer.tokens(line), 2), b = back.predictIds(Tokenizer.tokens(line), 2);
            // fastText reports probability + 1e-5, per tree node for hs; ns and ova round through its 512-step sigmoid
            // table (steps of up to 0.008, where labels may tie, so the first label may be another of equal score).
            if (loss.independentLabels()) {
                assertEquals(Math.exp(a.logProbs()[0]), Math.exp(b.logProbs()[0]), 0.008, line);
            } else {
                assertEquals(a.classes()[0], b.classes()[0], line);
                assertEquals(Math.exp(a.logProbs()[0]), Math.exp(b.logProbs()[0]), 2e-4, line);
            }
        }
    }

    @Test
    void modelsFastTextCannotHoldAreRefusedWithTheReason() throws IOException {
        TextClassifier hsm = trained(TrainingArgs.Loss.HSM, TrainingArgs.Tree.HUFFMAN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FastTextModelWriter.write(hsm, dir.resolve("x.bin")));
        assertTrue(e.getMessage().contains("two-level HSM"), e.getMessage());
        TextClassifier grown = trained(TrainingArgs.Loss.SOFTMAX, TrainingArgs.Tree.HUFFMAN);
        grown.addLabels(List.of("__label__never_trained"));
        e = assertThrows(IllegalArgumentException.class, () -> FastTextModelWriter.write(grown, dir.resolve("y.bin")));
        assertTrue(e.getMessage().contains("no biases"), e.getMessage());
        TextClassifier pruned = ModelFiles.load(FastTextFixtures.file("subword-q.ftz"));
        e = assertThrows(IllegalArgumentException.class, () -> FastTextModelWriter.write(pruned, dir.resolve("z.bin")));
        assertTrue(e.getMessage().contains("kindling quantize"), e.getMessage());
    }

    /** With fastText installed: fastText loads the written files and prints what Kindling predicts for them. */
    @ParameterizedTest
    @ValueSource(strings = {"SOFTMAX", "HS", "NS", "OVA"})
    void fastTextItselfLoadsWrittenModels(String lossName) throws Exception {
        assumeTrue(FastTextFixtures.fastTextInstalled(), "fastText is not installed (apt-get install fasttext)");
        TextClassifier model = trained(TrainingArgs.Loss.valueOf(lossName), TrainingArgs.Tree.HUFFMAN);
        Path file = dir.resolve("k.bin");
        FastTextModelWriter.write(model, file);
        Process p = new ProcessBuilder("fasttext", "predict-prob", file.toString(), FastTextFixtures.file("single-test.txt").toString(), "3")
                .redirectErrorStream(false).start();
        List<String> printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "fastText failed: " + new String(p.getErrorStream().readAllBytes()));
        TextClassifier back = ModelFiles.load(file);
        List<String> test = FastTextFixtures.lines("single-test.txt");
        assertEquals(test.size(), printed.size());
        PredictionComparison cmp = new PredictionComparison();
        for (int i = 0; i < test.size(); i++) {
            TopK top = back.predictIds(Tokenizer.tokens(test.get(i)), 3);
            List<FastTextFixtures.Scored> actual = new ArrayList<>();
            for (int j = 0; j < top.size(); j++) {
                actual.add(new FastTextFixtures.Scored(back.dictionary().label(top.classes()[j]), Math.exp(top.logProbs()[j])));
            }
            cmp.compare(i + 1, FastTextFixtures.parsePredictions(printed.get(i)), actual);
        }
        assertEquals(test.size(), cmp.lines());
    }
}
