package dev.kindling.core.serving.finetune;

import java.io.IOException;

/** A stored job file (its record or its examples) is malformed or truncated; the message names the file and what is wrong. */
public class JobFormatException extends IOException {

    public JobFormatException(String message) {
        super(message);
    }

    public JobFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
