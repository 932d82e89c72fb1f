package dev.kindling.core.io;

/**
 * A checkpoint file is malformed or does not fit the model: bad header, offsets out of range,
 * overlapping tensors, unsupported dtype, missing or misshapen parameters, NaN values. Nothing has been
 * loaded when this is thrown.
 */
public class CheckpointFormatException extends IllegalArgumentException {

    public CheckpointFormatException(String message) {
        super(message);
    }

    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
