package dev.kindling.spring.fleet;

import org.apache.kafka.common.TopicPartition;

/**
 * The four topics of one model's fleet, each of one partition (one total order per model; models spread the load):
 * <ul>
 *   <li>{@code examples}: accepted examples, appended by every replica (idempotent producer, {@code acks=all});</li>
 *   <li>{@code updates}: what each training round changed, appended by the trainer in the transaction that also
 *       commits the examples it consumed;</li>
 *   <li>{@code checkpoints}: fleet checkpoint files, cut into records;</li>
 *   <li>{@code state} (compacted): the newest checkpoint's description ({@code checkpoint}) and each job's record
 *       ({@code job:<id>}).</li>
 * </ul>
 */
public record FleetTopics(String base) {

    public String examples() {
        return base + ".examples";
    }

    public String updates() {
        return base + ".updates";
    }

    public String checkpoints() {
        return base + ".checkpoints";
    }

    public String state() {
        return base + ".state";
    }

    public TopicPartition examplesPartition() {
        return new TopicPartition(examples(), 0);
    }

    public TopicPartition updatesPartition() {
        return new TopicPartition(updates(), 0);
    }

    public TopicPartition checkpointsPartition() {
        return new TopicPartition(checkpoints(), 0);
    }

    public TopicPartition statePartition() {
        return new TopicPartition(state(), 0);
    }
}
