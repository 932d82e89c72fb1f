package dev.kindling.core.serving.log;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The update log of one model shared by a fleet of replicas, so that they learn as one model: any replica appends the
 * examples it accepts; exactly one replica at a time (the trainer) trains them and publishes what each round changed;
 * every replica applies those updates in order; the trainer's checkpoints let a new replica start from the current
 * model. The log decides who trains and keeps its guarantees (durability, order, exactly-once training across a
 * trainer's failover); the engine's {@link FleetReplica} does the learning. The Kafka implementation is in the
 * Spring Boot starter; sdk-core has no broker dependency.
 */
public interface FleetLog extends AutoCloseable {

    /**
     * Appends an example record ({@link ExampleCodec}) and returns its fleet sequence once the log holds it durably.
     *
     * @throws UpdateLogUnavailableException when the log cannot confirm the write now (nothing is acknowledged)
     */
    long append(byte[] record);

    /**
     * Appends the records of a batch job atomically (all or none are ever trained), each encoded with its job position,
     * together with {@code jobRecord}, the job's state as {@link #jobRecords} returns it; returns once durable.
     *
     * @throws UpdateLogUnavailableException when the log cannot confirm the write now (nothing is acknowledged)
     */
    void appendJob(String jobId, byte[] jobRecord, java.util.List<byte[]> records);

    /** Publishes a job's new state (a cancel, its end) to every replica; returns once durable. */
    void putJobRecord(String jobId, byte[] jobRecord);

    /** The newest state of every job the fleet knows, by id. */
    java.util.Map<String, byte[]> jobRecords();

    /**
     * Starts taking part for {@code replica}: it loads the newest fleet checkpoint, applies the updates after it, follows
     * the updates from then on and may be chosen to train. The future completes once the replica holds every update the
     * log held when it started (it serves the current model); it keeps serving what it has while the log is unreachable.
     */
    CompletableFuture<Void> start(FleetReplica replica);

    /** Where this replica stands in the fleet (for health and the models endpoint). */
    FleetStatus status();

    @Override
    void close() throws IOException;
}
