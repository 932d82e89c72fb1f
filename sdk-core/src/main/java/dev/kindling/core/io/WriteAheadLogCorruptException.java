package dev.kindling.core.io;

import java.nio.file.Path;

/**
 * Complete records of a write-ahead log are damaged: the log refuses to open (or replay) rather than
 * drop acknowledged records. Names the segment and byte offset, and where an untouched copy of the
 * segment was kept; {@link ApprovedTruncation} is the operator's way to cut the log there.
 */
public final class WriteAheadLogCorruptException extends CheckpointFormatException {

    private final transient Path segment;
    private final long offset;

    WriteAheadLogCorruptException(String message, Path segment, long offset) {
        super(message);
        this.segment = segment;
        this.offset = offset;
    }

    /** The damaged segment file. */
    public Path segment() {
        return segment;
    }

    /** The byte offset in {@link #segment()} where the first damaged record starts. */
    public long offset() {
        return offset;
    }
}
