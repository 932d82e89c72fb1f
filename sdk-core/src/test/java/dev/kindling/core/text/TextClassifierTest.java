package dev.kindling.core.text;

import dev.kindling.core.hsm.TopK;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextClassifierTest {

    static final TrainingArgs ARGS = TrainingArgs.defaults().withDim(16).withEpoch(5).withLr(0.5f).withThread(2).withWordNgrams(2)
            .withBucket(1000).withLoss(TrainingArgs.Loss.HS);

    static double precisionAt1(TextClassifier m, List<String> lines) {
        int ok = 0;
        for (String line : lines) {
            String gold = line.substring(0, line.indexOf(' '));
            if (m.predict(line.substring(line.indexOf(' ') + 1), 1, 0).getFirst().label().equals(gold)) {
                ok++;
            }
        }
        return ok / (double) lines.size();
    }

    @Test
    void hogwildTrainingLearnsSeparableLabelsWithHsmAndSoftmax() {
        List<String> train = TextTestData.lines(40, 30, 1), test = TextTestData.lines(40, 5, 2);
        for (TrainingArgs.Loss loss : TrainingArgs.Loss.values()) {
            TextClassifier m = SupervisedTrainer.train(TextTestData.parsed(train), ARGS.withLoss(loss), null);
            assertEquals(40, m.dictionary().labelCount());
            double p = precisionAt1(m, test);
            assertTrue(p > 0.9, loss + " P@1 " + p);
        }
    }

    @Test
    void progressIsReportedAndEndsAtOneHundredPercent() {
        List<TrainingProgress> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        SupervisedTrainer.train(TextTestData.parsed(TextTestData.lines(5, 20, 3)), ARGS, seen::add);
        TrainingProgress last = seen.getLast();
        assertEquals(1.0, last.progress());
        assertTrue(last.averageLoss() > 0 && Double.isFinite(last.averageLoss()));
        assertTrue(last.line().startsWith("Progress: 100.0% words/sec/thread:"), last.line());
    }

    @Test
    void saveAndLoadGiveIdenticalPredictions(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.bin");
        for (TrainingArgs.Loss loss : TrainingArgs.Loss.values()) {
            TextClassifier m = SupervisedTrainer.train(TextTestData.parsed(TextTestData.lines(12, 10, 4)), ARGS.withLoss(loss), null);
            m.addLabels(List.of("__label__grown"));   // a grown model saves its grown structure
            m.save(file);
            TextClassifier back = TextClassifier.load(file);
            assertEquals(loss, back.args().loss());
            assertEquals(m.output().getClass(), back.output().getClass());
            assertEquals(13, back.output().classes());
            for (String line : TextTestData.lines(12, 2, 5)) {
                TopK a = m.predictIds(Tokenizer.tokens(line), 3), b = back.predictIds(Tokenizer.tokens(line), 3);
                assertArrayEquals(a.classes(), b.classes(), loss.flag());
                assertArrayEquals(a.logProbs(), b.logProbs(), 0f, loss.flag());
            }
            assertEquals(m.dictionary().label(0), back.dictionary().label(0));
        }
        // A torn file is rejected with a clear message, not an exception from deep inside.
        byte[] bytes = Files.readAllBytes(file);
        Files.write(dir.resolve("torn.bin"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        IOException e = assertThrows(IOException.class, () -> TextClassifier.load(dir.resolve("torn.bin")));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Files.writeString(dir.resolve("other.bin"), "hello");
        e = assertThrows(IOException.class, () -> TextClassifier.load(dir.resolve("other.bin")));
        assertTrue(e.getMessage().contains("not a Kindling text classifier"), e.getMessage());
    }

    /**
     * A model saved by the previous release (format 1, where {@code hs} meant the two-level HSM, written by
     * a run of this test suite before the binary tree existed) still loads, as an HSM, with the predictions
     * recorded when it was written.
     */
    @Test
    void formatOneFilesStillLoadWithTheirOriginalPredictions() throws Exception {
        Path file = Path.of(getClass().getResource("/models/v1-hsm.bin").toURI());
        TextClassifier m = TextClassifier.load(file);
        assertEquals(TrainingArgs.Loss.HSM, m.args().loss());
        assertTrue(m.output() instanceof dev.kindling.core.hsm.HierarchicalSoftmax);
        List<String> expected = Files.readAllLines(Path.of(getClass().getResource("/models/v1-hsm.expected.tsv").toURI()));
        assertEquals(12, expected.size());
        for (String row : expected) {
            String[] parts = row.split("\t");
            String[] want = parts[1].trim().split(" ");
            List<Prediction> got = m.predict(parts[0], 3, 0);
            for (int i = 0; i < 3; i++) {
                assertEquals(want[2 * i], got.get(i).label(), row);
                assertEquals(Float.parseFloat(want[2 * i + 1]), got.get(i).probability(), 1e-6f, row);
            }
        }
    }

    @Test
    void addedWordsAndLabelsKeepPredictionsUntilTrained() {
        TextClassifier m = SupervisedTrainer.train(TextTestData.parsed(TextTestData.lines(10, 20, 6)), ARGS, null);
        List<String> probes = List.of("key3_1 key3_2 brandnew", "filler2 key7_0 brandnew other", "brandnew");
        List<TopK> before = probes.stream().map(p -> m.predictIds(Tokenizer.tokens(p), 5)).toList();
        m.addWords(List.of("brandnew", "other"));
        int[] ids = m.addLabels(List.of("__label__NEW"));
        assertEquals(10, ids[0]);
        for (int i = 0; i < probes.size(); i++) {
            TopK after = m.predictIds(Tokenizer.tokens(probes.get(i)), 5);
            assertArrayEquals(before.get(i).classes(), after.classes(), probes.get(i));
            assertArrayEquals(before.get(i).logProbs(), after.logProbs(), 1e-6f, probes.get(i));
        }
        // Fine-tuning on examples of the new label teaches it, through the new word.
        List<String> newData = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            newData.add("__label__NEW brandnew other");
        }
        newData.addAll(TextTestData.lines(10, 5, 7));
        SupervisedTrainer.fit(m, TextTestData.parsed(newData), ARGS.withThread(1), null);
        assertEquals("__label__NEW", m.predict("brandnew other", 1, 0).getFirst().label());
        assertTrue(m.dictionary().isActive(m.dictionary().wordId("brandnew")));
    }

    @Test
    void badSettingsAndArgumentsAreRejectedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ARGS.withDim(0));
        assertTrue(e.getMessage().contains("-dim"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainingArgs.Loss.parse("nce"));
        assertTrue(e.getMessage().contains("hs") && e.getMessage().contains("softmax"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SupervisedTrainer.train(TextTestData.parsed(List.of("no labels here")), ARGS, null));
        assertTrue(e.getMessage().contains("no labels"), e.getMessage());
        TextClassifier m = SupervisedTrainer.train(TextTestData.parsed(TextTestData.lines(3, 5, 8)), ARGS, null);
        assertThrows(IllegalArgumentException.class, () -> m.predict("x", 0, 0));
        assertThrows(IllegalArgumentException.class, () -> m.predict("x", 1, 2f));
        assertThrows(IllegalArgumentException.class, () -> m.addLabels(List.of("NEW")));
        assertThrows(IllegalArgumentException.class, () -> m.addWords(List.of("two words")));
    }
}
