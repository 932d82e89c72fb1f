package dev.kindling.core.fasttext;

import dev.kindling.core.io.MappedVerification;
import dev.kindling.core.text.TablePlacement;
import dev.kindling.core.text.TextClassifier;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Loads a text classifier from either format by its content, not its name: a fastText model ({@code .bin}
 * or {@code .ftz}, recognized by fastText's magic number) or Kindling's own model file. Whatever the extension,
 * models are told apart by their first bytes.
 */
public final class ModelFiles {

    private ModelFiles() {
    }

    /** Loads a model with its input table placed as asked (heap, native memory, or mapped from the file where possible). */
    public static TextClassifier load(Path file, TablePlacement inputTable) throws IOException {
        return load(file, inputTable, MappedVerification.VERIFY);
    }

    /**
     * {@link #load(Path, TablePlacement)}, verifying a mapped Kindling table against its checksum or not (fastText files
     * carry no checksums: their structure is checked as they are read).
     */
    public static TextClassifier load(Path file, TablePlacement inputTable, MappedVerification mapped) throws IOException {
        return FastTextModelReader.isFastTextModel(file) ? FastTextModelReader.read(file, inputTable)
                : TextClassifier.load(file, inputTable, mapped);
    }

    /** Loads a model with its input table on the Java heap. */
    public static TextClassifier load(Path file) throws IOException {
        return load(file, TablePlacement.HEAP);
    }
}
