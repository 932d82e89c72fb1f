package dev.kindling.spring.test;

import dev.kindling.core.text.LabelledLines;
import dev.kindling.core.text.SupervisedTrainer;
import dev.kindling.core.text.TextClassifier;
import dev.kindling.core.text.TrainingArgs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Models for tests, trained in milliseconds from a few lines of fastText-format text ({@code __label__sport goal match}):
 * a two-level hierarchical softmax ({@code -loss hsm}, the kind that learns new labels from feedback well), small and
 * deterministic, saved to a temporary file deleted when the JVM exits.
 */
public final class KindlingTestModels {

    private KindlingTestModels() {
    }

    /**
     * Trains a model on {@code lines} (fastText format, one example per line) and returns its file, e.g. for
     * {@code kindling.models.<name>.checkpoint}.
     */
    public static Path train(String lines) {
        try {
            Path file = Files.createTempFile("kindling-test-model", ".bin");
            file.toFile().deleteOnExit();
            classifier(lines).save(file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the test model: " + e.getMessage(), e);
        }
    }

    /** {@link #train(String)} with one line per argument. */
    public static Path train(String... lines) {
        return train(String.join("\n", lines));
    }

    /** The classifier itself, trained on {@code lines} (for a {@code ModelInitializer} bean, or plain engine tests). */
    public static TextClassifier classifier(String lines) {
        try {
            LabelledLines.Result parsed = LabelledLines.read(new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8)), "__label__");
            if (parsed.lines().isEmpty()) {
                throw new IllegalArgumentException("no training line in the text (bad lines: " + parsed.badLines()
                        + "); expected fastText-format lines such as '__label__sport goal match team'");
            }
            // Many epochs over few lines: a handful of examples per label is enough to classify their words.
            TrainingArgs args = TrainingArgs.defaults().withLoss(TrainingArgs.Loss.HSM).withDim(16).withEpoch(50).withLr(0.5f)
                    .withThread(1).withBucket(0).withVerbose(0);
            return SupervisedTrainer.train(parsed.lines(), args, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
