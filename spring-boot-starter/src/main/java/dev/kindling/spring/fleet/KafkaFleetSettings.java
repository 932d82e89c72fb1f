package dev.kindling.spring.fleet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a replica joins a fleet over Kafka (the starter makes this from {@code spring.kafka.bootstrap-servers} and
 * {@code kindling.fleet.*}); plain values, so the fleet log also runs from a plain {@code main}.
 *
 * @param bootstrapServers   the Kafka cluster
 * @param topicPrefix        topics are {@code <prefix><model>.examples|updates|checkpoints|state}
 * @param replicaId          this replica's name (its transactional ids derive from it): unique in the fleet
 * @param replicationFactor  replication factor of the topics the fleet creates (-1: the broker's default)
 * @param minInsyncReplicas  {@code min.insync.replicas} of those topics (-1: the broker's default)
 * @param ackTimeout         longest wait for the cluster to confirm an example before answering 503
 * @param checkpointInterval how often the trainer publishes a fleet checkpoint when the model changed
 * @param chunkBytes         size of the records a checkpoint file is cut into
 * @param batchSize          examples the trainer trains per round
 * @param pollTimeout        longest wait of the trainer for more examples (its batch delay)
 * @param sessionTimeout     how long a trainer that stopped answering keeps its role before another replica takes over
 * @param workDirectory      where downloaded and outgoing checkpoint files are kept
 * @param clientProperties   further Kafka client properties (security, ...), applied to every client
 */
public record KafkaFleetSettings(String bootstrapServers, String topicPrefix, String replicaId, int replicationFactor, int minInsyncReplicas,
                                 Duration ackTimeout, Duration checkpointInterval, int chunkBytes, int batchSize, Duration pollTimeout,
                                 Duration sessionTimeout, Path workDirectory, Map<String, Object> clientProperties) {

    private static final Pattern TOPIC_CHARS = Pattern.compile("[A-Za-z0-9._-]*");

    public KafkaFleetSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(workDirectory, "workDirectory");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("a Kafka fleet needs spring.kafka.bootstrap-servers (host:port,...)");
        }
        if (!TOPIC_CHARS.matcher(topicPrefix).matches()) {
            throw new IllegalArgumentException("kindling.fleet.topic-prefix '" + topicPrefix + "' may hold only letters, digits, '.', '_' and '-'");
        }
        if (replicaId == null || replicaId.isBlank() || !TOPIC_CHARS.matcher(replicaId).matches()) {
            throw new IllegalArgumentException("kindling.fleet.replica-id '" + replicaId + "' must be letters, digits, '.', '_' or '-'");
        }
        if (chunkBytes < 1024 || batchSize < 1) {
            throw new IllegalArgumentException("kindling.fleet.checkpoint-chunk-bytes must be at least 1024 and the batch size at least 1");
        }
        clientProperties = Map.copyOf(clientProperties);
    }

    /** The topic names of model {@code model}; fails with a clear message for a name Kafka cannot carry. */
    public FleetTopics topics(String model) {
        if (!TOPIC_CHARS.matcher(model).matches()) {
            throw new IllegalArgumentException("model '" + model + "' cannot learn in a Kafka fleet: its name is part of topic names, which may hold"
                    + " only letters, digits, '.', '_' and '-'");
        }
        return new FleetTopics(topicPrefix + model);
    }

    /** A replica id for this process: host name and pid. */
    public static String defaultReplicaId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "replica";
        }
        return (host + "-" + ProcessHandle.current().pid()).replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
