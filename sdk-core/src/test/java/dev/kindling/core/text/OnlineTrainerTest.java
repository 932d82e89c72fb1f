package dev.kindling.core.text;

import dev.kindling.core.tensor.HostStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnlineTrainerTest {

    @TempDir
    Path dir;

    private static TextClassifier trained(TrainingArgs.Loss loss) {
        TrainingArgs args = TrainingArgs.defaults().withDim(16).withEpoch(8).withThread(1).withBucket(1000).withLr(0.5f).withLoss(loss)
                .withVerbose(0);
        return SupervisedTrainer.train(TextTestData.parsed(TextTestData.lines(6, 40, 1)), args, null);
    }

    @Test
    void learnsANewLabelWithNewWordsFromAFewExamples() {
        for (TrainingArgs.Loss loss : TrainingArgs.Loss.values()) {
            TextClassifier m = trained(loss);
            List<Prediction> before = m.predict("key2_1 key2_3 filler4", 3, 0f);
            List<List<String>> tokens = List.of(List.of("quasar", "pulsar", "nebula"));
            List<List<String>> labels = List.of(List.of("__label__astro"));
            // Adding the label alone changes no prediction.
            m.addLabels(List.of("__label__astro"));
            assertEquals(before, m.predict("key2_1 key2_3 filler4", 3, 0f), loss + ": adding a label must not change predictions");
            OnlineTrainer.Result first = null;
            int steps = 0;
            // Train until the new label wins for its own text (a handful of steps), then check the old labels.
            while (!m.predict("pulsar nebula", 1, 0f).get(0).label().equals("__label__astro")) {
                assertTrue(++steps <= 40, loss + ": the new label was not learned in 40 steps");
                OnlineTrainer.Result r = OnlineTrainer.train(m, tokens, labels, 0.2f);
                first = first == null ? r : first;
            }
            assertEquals("__label__L2", m.predict("key2_1 key2_3 filler4", 1, 0f).get(0).label(), loss + ": old knowledge kept");
            assertEquals(1, first.steps());
            assertTrue(first.touchedRows().length == 3, "three input rows touched: " + first.touchedRows().length);
        }
    }

    @Test
    void lossFallsOnRepeatedExamplesOfAKnownLabel() {
        TextClassifier m = trained(TrainingArgs.Loss.HS);
        List<List<String>> tokens = List.of(List.of("key1_0", "filler3"), List.of("key4_2", "key4_1"));
        List<List<String>> labels = List.of(List.of("__label__L3"), List.of("__label__L4"));
        double first = OnlineTrainer.train(m, tokens, labels, 0.1f).meanLoss();
        double last = first;
        for (int i = 0; i < 20; i++) {
            last = OnlineTrainer.train(m, tokens, labels, 0.1f).meanLoss();
        }
        assertTrue(last < first * 0.5, "loss " + first + " -> " + last);
    }

    @Test
    void badInputIsRejected() {
        TextClassifier m = trained(TrainingArgs.Loss.HS);
        assertThrows(IllegalArgumentException.class, () -> OnlineTrainer.train(m, List.of(List.of("a")), List.of(), 0.1f));
        assertThrows(IllegalArgumentException.class, () -> OnlineTrainer.train(m, List.of(List.of("a")), List.of(List.of("L1")), 0.1f));
        assertThrows(IllegalArgumentException.class,
                () -> OnlineTrainer.train(m, List.of(List.of("a")), List.of(List.of("__label__L1")), Float.NaN));
    }

    @Test
    void everyTablePlacementPredictsTheSameAndMappedUpdatesNeverReachTheFile() throws Exception {
        TextClassifier m = trained(TrainingArgs.Loss.HS);
        Path file = dir.resolve("m.bin");
        m.save(file);
        byte[] saved = Files.readAllBytes(file);
        String text = "key3_0 key3_2 filler1";
        for (TablePlacement p : TablePlacement.values()) {
            TextClassifier loaded = TextClassifier.load(file, p);
            assertEquals(m.predict(text, 4, 0f), loaded.predict(text, 4, 0f), p.toString());
            assertEquals(p != TablePlacement.HEAP, ((HostStorage) loaded.inputTable().storage()).isNative(), p.toString());
            for (int i = 0; i < 30; i++) {
                OnlineTrainer.train(loaded, List.of(List.of("key3_0", "brandnewword")), List.of(List.of("__label__L5")), 0.3f);
            }
            assertEquals("__label__L5", loaded.predict("key3_0 brandnewword", 1, 0f).get(0).label(), p + ": fine-tuning works");
        }
        assertArrayEquals(saved, Files.readAllBytes(file), "copy-on-write mapping must leave the model file untouched");
    }
}
