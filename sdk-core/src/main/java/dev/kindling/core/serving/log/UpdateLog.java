package dev.kindling.core.serving.log;

import java.io.IOException;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

/**
 * The durable, ordered log of one model's accepted examples: what "acknowledged" means. Records get consecutive
 * sequence numbers; a model's checkpoint records the last sequence it holds, and on start the records after it
 * are replayed. The embedded default is a local write-ahead log ({@link LocalUpdateLog}); a fleet of replicas
 * uses a distributed log behind the same interface.
 */
public interface UpdateLog extends AutoCloseable {

    /**
     * Appends {@code payload} and returns its sequence once it is durable. {@code onSequenced} (may be null) is
     * called with the sequence in log order while the log is still locked, so a consumer sees records in order.
     */
    long append(byte[] payload, LongConsumer onSequenced) throws IOException;

    /** {@link #append} without waiting for durability: pair it with {@link #awaitDurable} before relying on it. */
    long appendWithoutSync(byte[] payload, LongConsumer onSequenced) throws IOException;

    /** Returns once every record up to {@code sequence} is durable; fails when making them durable failed. */
    void awaitDurable(long sequence) throws IOException;

    /** Calls {@code consumer} with each record after {@code afterSequence}, in order. */
    void replay(long afterSequence, BiConsumer<Long, byte[]> consumer) throws IOException;

    /** The first sequence the log still holds; {@code lastSequence() + 1} when it holds none. */
    long firstSequence() throws IOException;

    /** The sequence of the last record appended. */
    long lastSequence();

    /**
     * Numbers the next record {@code sequence + 1} when the log ends before {@code sequence} (a checkpoint holds
     * more than the log, e.g. after an approved truncation), so that new records never reuse covered sequences.
     */
    void continueAfter(long sequence) throws IOException;

    /** Records up to {@code sequence} are held by every checkpoint that may still be loaded: the log may drop them. */
    void truncateThrough(long sequence) throws IOException;

    @Override
    void close() throws IOException;
}
