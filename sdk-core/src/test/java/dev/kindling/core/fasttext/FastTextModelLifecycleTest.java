package dev.kindling.core.fasttext;

import dev.kindling.core.hsm.TopK;
import dev.kindling.core.text.OnlineTrainer;
import dev.kindling.core.text.TablePlacement;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.Tokenizer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model read from fastText keeps answering as fastText after it is checkpointed in Kindling's own format,
 * and learns online: feedback moves its predictions, and a label it never had can be taught.
 */
class FastTextModelLifecycleTest {

    @TempDir
    Path dir;

    private static List<FastTextFixtures.Scored> predict(TextClassifier c, String line, int k) {
        TopK top = c.predictIds(Tokenizer.tokens(line), k);
        List<FastTextFixtures.Scored> out = new ArrayList<>();
        for (int j = 0; j < top.size(); j++) {
            out.add(new FastTextFixtures.Scored(c.dictionary().label(top.classes()[j]), Math.exp(top.logProbs()[j])));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"softmax.bin, single-test.txt, softmax", "hs.bin, single-test.txt, hs", "ns.bin, single-test.txt, ns",
            "ova.bin, multi-test.txt, ova", "subword-q.ftz, single-test.txt, subword-q", "big-hs-q.ftz, big-test.txt, big-hs-q"})
    void aCheckpointInKindlingsFormatStillAnswersAsFastText(String model, String testFile, String name) throws IOException {
        TextClassifier read = ModelFiles.load(FastTextFixtures.file(model));
        Path saved = dir.resolve("checkpoint.bin");
        read.save(saved);
        for (TablePlacement placement : TablePlacement.values()) {
            TextClassifier c = ModelFiles.load(saved, placement);
            List<String> test = FastTextFixtures.lines(testFile);
            List<String> expected = FastTextFixtures.lines(name + ".predict-prob-3.txt");
            PredictionComparison cmp = new PredictionComparison();
            for (int i = 0; i < test.size(); i++) {
                cmp.compare(i + 1, FastTextFixtures.parsePredictions(expected.get(i)), predict(c, test.get(i), 3));
            }
            assertEquals(test.size(), cmp.lines());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"softmax.bin, single-test.txt", "hs.bin, single-test.txt", "ns.bin, single-test.txt", "ova.bin, multi-test.txt",
            "subword-q.ftz, single-test.txt"})
    void feedbackTeachesAnExistingAndABrandNewLabel(String model, String testFile) throws IOException {
        TextClassifier c = ModelFiles.load(FastTextFixtures.file(model));
        List<String> test = FastTextFixtures.lines(testFile);
        String text = test.get(0).replaceAll("__label__\\S+", "").trim();
        String before = predict(c, text, 1).getFirst().label();
        String other = c.dictionary().label(0).equals(before) ? c.dictionary().label(1) : c.dictionary().label(0);
        List<String> tokens = Tokenizer.tokens(text);
        for (int i = 0; i < 30 && !predict(c, text, 1).getFirst().label().equals(other); i++) {
            OnlineTrainer.train(c, List.of(tokens), List.of(List.of(other)), 0.2f);
        }
        assertEquals(other, predict(c, text, 1).getFirst().label(), "feedback moved the prediction");

        String unrelated = test.get(5).replaceAll("__label__\\S+", "").trim();
        String unrelatedBefore = predict(c, unrelated, 1).getFirst().label();
        String fresh = "__label__brand_new";
        String newText = "zzzq novelword " + text.split(" ")[0];
        int steps = 0;
        while (steps < 200 && !predict(c, newText, 1).getFirst().label().equals(fresh)) {
            OnlineTrainer.train(c, List.of(Tokenizer.tokens(newText)), List.of(List.of(fresh)), 0.5f);
            steps++;
        }
        assertEquals(fresh, predict(c, newText, 1).getFirst().label(), "a new label was learned");
        assertNotEquals(fresh, predict(c, unrelated, 1).getFirst().label(), "an unrelated text did not move to the new label");
        assertTrue(c.dictionary().labelId(fresh) >= 0);
        assertTrue(unrelatedBefore.startsWith("__label__"));
    }
}
