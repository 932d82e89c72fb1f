package dev.kindling.core.serving.guard;

import dev.kindling.core.io.MappedVerification;
import dev.kindling.core.text.TablePlacement;
import dev.kindling.core.text.TextClassifier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Makes an independent copy of a classifier by writing it to a scratch file in the model's guard directory and loading
 * it back: exact (the model file format round-trips every bit) and needing no copy method on every output layer. The
 * copy keeps its input table where the model does, except that a mapped table is copied into native memory (the
 * scratch file is deleted at once). Costs one write and one read of the model.
 */
public final class ClassifierCopier implements UnaryOperator<TextClassifier> {

    private final Path scratch;
    private final TablePlacement placement;

    public ClassifierCopier(Path directory, TablePlacement placement) {
        this.scratch = directory.resolve("copy.tmp");
        this.placement = placement == TablePlacement.MAPPED ? TablePlacement.OFF_HEAP : placement;
    }

    @Override
    public synchronized TextClassifier apply(TextClassifier source) {
        try {
            Files.createDirectories(scratch.getParent());
            source.save(scratch);
            return TextClassifier.load(scratch, placement, MappedVerification.VERIFY);
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy the model through " + scratch + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(scratch);
            } catch (IOException ignored) {
                // A leftover scratch file is overwritten by the next copy.
            }
        }
    }

    /** Loads a kept model file as a classifier with this copier's table placement (a version to serve or restore). */
    public TextClassifier load(Path file) throws IOException {
        return TextClassifier.load(file, placement, MappedVerification.VERIFY);
    }
}
