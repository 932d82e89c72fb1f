package dev.kindling.core.fasttext;

import java.io.IOException;

/** A file that is not a readable fastText model: wrong magic or version, truncated, or inconsistent. */
public final class FastTextFormatException extends IOException {

    public FastTextFormatException(String message) {
        super(message);
    }
}
