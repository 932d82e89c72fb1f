package dev.kindling.core.serving.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The engine's side of a {@link FleetLog}: what one replica's model does when the log hands it examples to train (it
 * is the trainer), an update to apply, or a checkpoint to write or restore. Updates are {@link FleetUpdate}s, encoded.
 */
public interface FleetReplica {

    /** What {@link #apply} did with an update. */
    enum Outcome {
        /** The model took it: it now holds the update's examples. */
        APPLIED,
        /** The model held it already (this replica trained it, or took a checkpoint that holds it). */
        HELD,
        /** The model cannot take it (not at its base, or the digest after it differs): reload a fleet checkpoint. */
        DIVERGED
    }

    String model();

    /** The last fleet sequence whose example the model holds. */
    long appliedSequence();

    /** Whether the model is known to differ from the fleet's and must reload a checkpoint before it trains or applies. */
    boolean diverged();

    /**
     * Trains {@code records} (consecutive, in log order) into the model and returns the updates to publish, in order. A
     * record already held is passed over; one that cannot be applied is set aside here and published as a skip, so every
     * replica moves past it.
     *
     * @throws IllegalStateException when the model is not caught up to the first record, or diverged
     */
    List<byte[]> train(List<LoggedRecord> records);

    /**
     * The updates the last {@link #train} returned were not published (the log refused or could not confirm them):
     * the model holds what the fleet may not, so it counts as diverged until it reloads.
     */
    void unpublished(Throwable why);

    /** An update to publish stating the digest of the model's current version; null when the last one stated it. */
    byte[] digestUpdate();

    /** Applies a published update, in log order; never throws for a bad update (that is {@link Outcome#DIVERGED}). */
    Outcome apply(byte[] update);

    /** Writes a checkpoint of the model to {@code file}; returns what it holds. */
    FleetCheckpoint checkpoint(Path file) throws IOException;

    /** Replaces the model with a fleet checkpoint (checking it whole); the model is no longer diverged. */
    void restore(Path file, FleetCheckpoint checkpoint) throws IOException;

    /** Why the replica last diverged, or null. */
    String divergence();
}
