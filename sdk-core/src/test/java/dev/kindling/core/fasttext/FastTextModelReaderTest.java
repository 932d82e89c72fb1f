package dev.kindling.core.fasttext;

import dev.kindling.core.hsm.TopK;
import dev.kindling.core.text.TablePlacement;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Models made by fastText 0.9.2 predict in Kindling what fastText predicted for them, on whole test files. */
class FastTextModelReaderTest {

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
            "softmax.bin, single-test.txt, softmax",
            "hs.bin, single-test.txt, hs",
            "ns.bin, single-test.txt, ns",
            "ova.bin, multi-test.txt, ova",
            "subword.bin, single-test.txt, subword",
            "big-hs.bin, big-test.txt, big-hs",
            "subword-q.ftz, single-test.txt, subword-q",
            "big-hs-q.ftz, big-test.txt, big-hs-q"})
    void predictionsEqualFastTexts(String model, String testFile, String name) throws IOException {
        for (TablePlacement placement : TablePlacement.values()) {
            TextClassifier c = ModelFiles.load(FastTextFixtures.file(model), placement);
            List<String> test = FastTextFixtures.lines(testFile);
            List<String> expected = FastTextFixtures.lines(name + ".predict-prob-3.txt");
            assertEquals(test.size(), expected.size());
            PredictionComparison cmp = new PredictionComparison();
            for (int i = 0; i < test.size(); i++) {
                TopK top = c.predictIds(Tokenizer.tokens(test.get(i)), 3);
                List<FastTextFixtures.Scored> actual = new ArrayList<>();
                for (int j = 0; j < top.size(); j++) {
                    actual.add(new FastTextFixtures.Scored(c.dictionary().label(top.classes()[j]), Math.exp(top.logProbs()[j])));
                }
                cmp.compare(i + 1, FastTextFixtures.parsePredictions(expected.get(i)), actual);
            }
            assertEquals(test.size(), cmp.lines());
            assertTrue(cmp.predictions() >= test.size(), "fastText printed at least one label per line");
        }
    }

    /** {@code fasttext predict-prob ova.bin multi-test.txt -1 0.3}: every label with probability ≥ 0.3. */
    @Test
    void oneVsAllWithAThresholdEqualsFastTexts() throws IOException {
        TextClassifier c = ModelFiles.load(FastTextFixtures.file("ova.bin"));
        List<String> test = FastTextFixtures.lines("multi-test.txt");
        List<String> expected = FastTextFixtures.lines("ova.predict-prob-all-0.3.txt");
        PredictionComparison cmp = new PredictionComparison();
        int multiLabel = 0;
        for (int i = 0; i < test.size(); i++) {
            List<FastTextFixtures.Scored> actual = c.predict(test.get(i), c.dictionary().labelCount(), 0.3f).stream()
                    .map(p -> new FastTextFixtures.Scored(p.label(), p.probability())).toList();
            cmp.compare(i + 1, FastTextFixtures.parsePredictions(expected.get(i)), actual);
            multiLabel += actual.size() > 1 ? 1 : 0;
        }
        assertEquals(test.size(), cmp.lines());
        assertTrue(multiLabel > test.size() / 10, "the threshold lets several labels through on many lines: " + multiLabel);
    }

    /** fastText's scores take their own top-k path with a threshold; it refuses several rows as the exact one does. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"softmax.bin", "hs.bin", "ova.bin"})
    void aSingleInputTopKWithAThresholdRefusesSeveralRows(String model) throws IOException {
        TextClassifier c = ModelFiles.load(FastTextFixtures.file(model));
        dev.kindling.core.tensor.Tensor two = dev.kindling.core.tensor.Tensor.zeros(2, c.dim());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> c.output().topK(two, 1, 0.1f));
        assertTrue(e.getMessage().contains("use topKBatch"), e.getMessage());
    }
}
