package dev.kindling.core.text;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kindling.core.io.MappedVerification;
import dev.kindling.core.testing.FuzzFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Coverage-guided fuzzing of Kindling's model files ({@code .bin}, {@link TextClassifierFile}): a configured base
 * model or a checkpoint is outside bytes too. Loading may only fail with an {@link IOException} that says what
 * is wrong; a file that loads is a usable model (it predicts for known and unknown words without failing).
 * The saved inputs include version-2 files, which have no checksums, so mutations reach the header's parser
 * instead of stopping at the CRC.
 */
class TextClassifierFileFuzzTest {

    private static final Path DIR = FuzzFiles.scratch("model");

    @FuzzTest(maxDuration = "10s")
    void load(byte[] data) throws IOException {
        Path file = DIR.resolve("model.bin");
        Files.write(file, data);
        // Which placement: from the input, so every one is reached.
        TablePlacement placement = TablePlacement.values()[(data.length == 0 ? 0 : data[data.length - 1] & 0xff) % TablePlacement.values().length];
        TextClassifier model;
        try {
            model = TextClassifier.load(file, placement, MappedVerification.VERIFY);
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
