package dev.kindling.core.fasttext;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kindling.core.testing.FuzzFiles;
import dev.kindling.core.text.Dictionary;
import dev.kindling.core.text.Prediction;
import dev.kindling.core.text.TablePlacement;
import dev.kindling.core.text.TextClassifier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Coverage-guided fuzzing of fastText's {@code .bin}/{@code .ftz} reader ({@link FastTextModelReader}): a model file
 * from anywhere. Reading may only fail with an {@link IOException} ({@link FastTextFormatException}) that says what is
 * wrong; a file that reads is a usable model (it predicts without failing). Seeds: small models of each loss, with
 * and without subwords, written by {@link FastTextModelWriter} ({@code FuzzSeeds}), and a quantized fixture.
 */
class FastTextModelFuzzTest {

    private static final Path DIR = FuzzFiles.scratch("fasttext");

    @FuzzTest(maxDuration = "10s")
    void read(byte[] data) throws IOException {
        Path file = DIR.resolve("model.bin");
        Files.write(file, data);
        TablePlacement placement = data.length > 0 && (data[data.length - 1] & 1) == 1 ? TablePlacement.OFF_HEAP : TablePlacement.HEAP;
        TextClassifier model;
        try {
            model = FastTextModelReader.read(file, placement);
        } catch (IOException e) {
            FuzzFiles.requireMessage(e);
            return;
        }
        Dictionary d = model.dictionary();
        String known = d.wordCount() > 0 ? d.word(0) : "word";
        for (String text : List.of(known, "an unknown text", known + " " + known + " x")) {
            List<Prediction> p = model.predict(text, Math.max(1, Math.min(3, d.labelCount())), 0f);
            if (p.size() > d.labelCount()) {
                throw new AssertionError(p.size() + " predictions from a model of " + d.labelCount() + " labels");
            }
        }
    }
}
