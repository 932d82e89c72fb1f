package dev.kindling.core.serving.log;

import dev.kindling.core.io.ApprovedTruncation;
import dev.kindling.core.io.WriteAheadLog;
import dev.kindling.core.io.WriteAheadLogCorruptException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

/** The embedded update log: a model's local {@link WriteAheadLog} (fsynced segments under its data directory). */
public final class LocalUpdateLog implements UpdateLog {

    private final WriteAheadLog wal;

    private LocalUpdateLog(WriteAheadLog wal) {
        this.wal = wal;
    }

    /**
     * Opens model {@code model}'s log in {@code dir}, cutting it where the operator approved ({@code approved}, may
     * be null). A corrupt log becomes a start-up error saying how to approve the cut.
     */
    public static LocalUpdateLog open(String model, Path dir, long segmentBytes, ApprovedTruncation approved) throws IOException {
        try {
            return new LocalUpdateLog(WriteAheadLog.open(dir, segmentBytes, approved));
        } catch (WriteAheadLogCorruptException e) {
            throw new IllegalStateException("model '" + model + "' cannot start fine-tuning: " + e.getMessage()
                    + " To approve that cut, start once with the approved truncation " + e.segment().getFileName() + ":" + e.offset()
                    + " for model " + model + " (Spring: kindling.fine-tuning.approve-wal-truncation." + model + "="
                    + e.segment().getFileName() + ":" + e.offset() + ") and remove it afterwards.", e);
        }
    }

    @Override
    public long append(byte[] payload, LongConsumer onSequenced) throws IOException {
        return wal.append(payload, onSequenced);
    }

    @Override
    public long appendWithoutSync(byte[] payload, LongConsumer onSequenced) throws IOException {
        return wal.appendWithoutSync(payload, onSequenced);
    }

    @Override
    public void awaitDurable(long sequence) throws IOException {
        wal.awaitDurable(sequence);
    }

    @Override
    public void replay(long afterSequence, BiConsumer<Long, byte[]> consumer) throws IOException {
        wal.replay(afterSequence, consumer);
    }

    @Override
    public long firstSequence() throws IOException {
        return wal.firstSequence();
    }

    @Override
    public long lastSequence() {
        return wal.lastSequence();
    }

    @Override
    public void continueAfter(long sequence) throws IOException {
        wal.continueAfter(sequence);
    }

    @Override
    public void truncateThrough(long sequence) throws IOException {
        wal.truncateThrough(sequence);
    }

    @Override
    public void close() throws IOException {
        wal.close();
    }

    @Override
    public String toString() {
        return "LocalUpdateLog(" + wal + ")";
    }
}
