package dev.kindling.spring.fleet;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code kindling.fleet.*}: how this replica takes part in a fleet when {@code kindling.fine-tuning.log=kafka}; the
 * cluster is {@code spring.kafka.bootstrap-servers}.
 */
@ConfigurationProperties("kindling.fleet")
public class KafkaFleetProperties {

    /** Prefix of the topics: {@code <prefix><model>.examples|updates|checkpoints|state}. */
    private String topicPrefix = "kindling.";

    /** This replica's name in the fleet (unique); by default the host name and pid. */
    private String replicaId;

    /**
     * Replication factor of the topics the fleet creates; -1 takes the broker's {@code default.replication.factor}. Use
     * 3 in production: with {@code min-insync-replicas} 2, an acknowledged example survives the loss of any one broker.
     */
    private int replicationFactor = -1;

    /** {@code min.insync.replicas} of the fleet's topics (with acks=all, the copies an acknowledgement waits for); -1: broker default. */
    private int minInsyncReplicas = -1;

    /** Longest wait for the cluster to confirm an example; beyond it the answer is 503 with Retry-After and nothing is acknowledged. */
    private Duration ackTimeout = Duration.ofSeconds(10);

    /** How often the trainer publishes a fleet checkpoint when the model changed (what a new replica starts from). */
    private Duration checkpointInterval = Duration.ofMinutes(1);

    /** Size of the records a checkpoint file is cut into (the topic's max.message.bytes is set above it). */
    private int checkpointChunkBytes = 512 * 1024;

    /** Longest wait of the trainer for more examples before it trains what it has. */
    private Duration pollTimeout = Duration.ofMillis(50);

    /** How long a trainer that stopped answering keeps its role before another replica takes over. */
    private Duration sessionTimeout = Duration.ofSeconds(10);

    /** How long the start waits for a replica to hold the fleet's current model; it serves what it has meanwhile. */
    private Duration catchUpTimeout = Duration.ofSeconds(60);

    public String getTopicPrefix() {
        return topicPrefix;
    }

    public void setTopicPrefix(String topicPrefix) {
        this.topicPrefix = topicPrefix;
    }

    public String getReplicaId() {
        return replicaId;
    }

    public void setReplicaId(String replicaId) {
        this.replicaId = replicaId;
    }

    public int getReplicationFactor() {
        return replicationFactor;
    }

    public void setReplicationFactor(int replicationFactor) {
        this.replicationFactor = replicationFactor;
    }

    public int getMinInsyncReplicas() {
        return minInsyncReplicas;
    }

    public void setMinInsyncReplicas(int minInsyncReplicas) {
        this.minInsyncReplicas = minInsyncReplicas;
    }

    public Duration getAckTimeout() {
        return ackTimeout;
    }

    public void setAckTimeout(Duration ackTimeout) {
        this.ackTimeout = ackTimeout;
    }

    public Duration getCheckpointInterval() {
        return checkpointInterval;
    }

    public void setCheckpointInterval(Duration checkpointInterval) {
        this.checkpointInterval = checkpointInterval;
    }

    public int getCheckpointChunkBytes() {
        return checkpointChunkBytes;
    }

    public void setCheckpointChunkBytes(int checkpointChunkBytes) {
        this.checkpointChunkBytes = checkpointChunkBytes;
    }

    public Duration getPollTimeout() {
        return pollTimeout;
    }

    public void setPollTimeout(Duration pollTimeout) {
        this.pollTimeout = pollTimeout;
    }

    public Duration getSessionTimeout() {
        return sessionTimeout;
    }

    public void setSessionTimeout(Duration sessionTimeout) {
        this.sessionTimeout = sessionTimeout;
    }

    public Duration getCatchUpTimeout() {
        return catchUpTimeout;
    }

    public void setCatchUpTimeout(Duration catchUpTimeout) {
        this.catchUpTimeout = catchUpTimeout;
    }
}
