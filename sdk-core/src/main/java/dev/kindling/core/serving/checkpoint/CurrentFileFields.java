package dev.kindling.core.serving.checkpoint;

import dev.kindling.core.io.CheckpointFormatException;
import dev.kindling.core.text.Printable;

import java.nio.file.Path;
import java.util.Properties;

/**
 * Reads the required fields of a checkpoint's {@code CURRENT} file, failing with a message that names
 * the file, the field, what it held and what it must hold (instead of "malformed: null").
 */
final class CurrentFileFields {

    private final Path file;
    private final Properties properties;

    CurrentFileFields(Path file, Properties properties) {
        this.file = file;
        this.properties = properties;
    }

    /** The value of {@code key}, which must be present and not blank. */
    String text(String key) {
        String v = properties.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new CheckpointFormatException(file + " is malformed: '" + key + "' is " + (v == null ? "missing" : "empty")
                    + "; expected the lines model, walSequence, examplesApplied and version (and jobs), as key=value");
        }
        return v.trim();
    }

    /** The value of {@code key} as a number >= 0. */
    long count(String key) {
        String v = text(key);
        try {
            long n = Long.parseLong(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below, with what was expected
        }
        throw new CheckpointFormatException(file + " is malformed: '" + key + "' is " + Printable.quote(v)
                + "; expected a whole number >= 0");
    }
}
