package dev.kindling.spring.finetune;

import dev.kindling.core.io.ApprovedTruncation;
import dev.kindling.core.serving.finetune.FineTuningSettings;
import dev.kindling.spring.config.InvalidKindlingPropertyException;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code kindling.fine-tuning.*}: online fine-tuning from feedback and batch jobs. */
@Validated
@ConfigurationProperties(prefix = "kindling.fine-tuning", ignoreUnknownFields = false)
public class FineTuningProperties {

    /** The property (followed by {@code .<model>}) that approves cutting a corrupt write-ahead log. */
    public static final String APPROVE_WAL_TRUNCATION = "kindling.fine-tuning.approve-wal-truncation";

    /** Whether models accept feedback and fine-tuning jobs. */
    private boolean enabled = true;

    /**
     * Where accepted examples are logged: {@code local} (a write-ahead log per model in {@code directory}) or
     * {@code kafka} (replicas that share {@code spring.kafka.bootstrap-servers} learn as one fleet; see
     * {@code kindling.fleet.*}).
     */
    private UpdateLogKind log = UpdateLogKind.LOCAL;

    /** Where accepted examples are logged. */
    public enum UpdateLogKind { LOCAL, KAFKA }

    /**
     * Where write-ahead logs, checkpoints and jobs live (one sub-directory per model), locked by one process at a time.
     * kindling-spring-boot-test points it at a temporary directory in tests.
     */
    @NotNull
    private Path directory = Path.of("kindling-data");

    /** Accepted examples waiting to be trained, per model; beyond it feedback is refused (HTTP 429). */
    @Min(1)
    private int queueCapacity = 10_000;

    /** Examples trained together in one update. */
    @Min(1)
    private int batchSize = 32;

    /** Longest wait for a micro-batch to fill before training what is there. */
    @NotNull
    private Duration maxBatchDelay = Duration.ofMillis(50);

    /**
     * Per model, the most examples trained a second (0: no limit). A learning budget: on a machine with few cores,
     * training at full speed takes CPU that classification needs; a budget keeps serving latency low while jobs run.
     */
    @Min(0)
    private int maxExamplesPerSecond;

    /** Learning rate of online updates. */
    @DecimalMin(value = "0", inclusive = false)
    private float learningRate = 0.05f;

    /** How often a model with new updates is checkpointed. */
    @NotNull
    private Duration checkpointInterval = Duration.ofMinutes(1);

    /**
     * Longest a shutdown waits for the models to train what was accepted and checkpoint (what is left stays in the log
     * and is applied at the next start). Unset: Spring's spring.lifecycle.timeout-per-shutdown-phase.
     */
    private Duration shutdownTimeout;

    /** Write-ahead log segment size in bytes. */
    @Min(4096)
    private long walSegmentBytes = 64L * 1024 * 1024;

    /** Largest fine-tuning job file, in bytes. */
    @Min(1)
    private long maxJobBytes = 256L * 1024 * 1024;

    /** Jobs kept for status queries (with their stored records); beyond it the oldest finished ones are forgotten and deleted. */
    @Min(1)
    private int finishedJobsKept = 1000;

    /**
     * Per model, the operator's approval to cut its corrupt write-ahead log at the damaged record a start-up
     * error named, as {@code <segment file>:<offset>} (e.g. {@code wal-00000000000000000001.log:355000}).
     * Every record from there on is dropped from the log (untouched copies stay in its {@code damaged/}
     * folder), so acknowledged examples after it are lost unless a checkpoint holds them. Applies only when
     * the damage is exactly there; remove it after the start.
     */
    private Map<String, String> approveWalTruncation = new LinkedHashMap<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public UpdateLogKind getLog() {
        return log;
    }

    public void setLog(UpdateLogKind log) {
        this.log = log;
    }

    public Path getDirectory() {
        return directory;
    }

    public void setDirectory(Path directory) {
        this.directory = directory;
    }

    public int getQueueCapacity() {
        return queueCapacity;
    }

    public void setQueueCapacity(int queueCapacity) {
        this.queueCapacity = queueCapacity;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public int getMaxExamplesPerSecond() {
        return maxExamplesPerSecond;
    }

    public void setMaxExamplesPerSecond(int maxExamplesPerSecond) {
        this.maxExamplesPerSecond = maxExamplesPerSecond;
    }

    public Duration getMaxBatchDelay() {
        return maxBatchDelay;
    }

    public void setMaxBatchDelay(Duration maxBatchDelay) {
        this.maxBatchDelay = maxBatchDelay;
    }

    public float getLearningRate() {
        return learningRate;
    }

    public void setLearningRate(float learningRate) {
        this.learningRate = learningRate;
    }

    public Duration getCheckpointInterval() {
        return checkpointInterval;
    }

    public void setCheckpointInterval(Duration checkpointInterval) {
        this.checkpointInterval = checkpointInterval;
    }

    public Duration getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public long getWalSegmentBytes() {
        return walSegmentBytes;
    }

    public void setWalSegmentBytes(long walSegmentBytes) {
        this.walSegmentBytes = walSegmentBytes;
    }

    public long getMaxJobBytes() {
        return maxJobBytes;
    }

    public void setMaxJobBytes(long maxJobBytes) {
        this.maxJobBytes = maxJobBytes;
    }

    public int getFinishedJobsKept() {
        return finishedJobsKept;
    }

    public void setFinishedJobsKept(int finishedJobsKept) {
        this.finishedJobsKept = finishedJobsKept;
    }

    public Map<String, String> getApproveWalTruncation() {
        return approveWalTruncation;
    }

    public void setApproveWalTruncation(Map<String, String> approveWalTruncation) {
        this.approveWalTruncation = approveWalTruncation;
    }

    /** The truncation approved for {@code model}'s log, or null. */
    ApprovedTruncation approvedWalTruncation(String model) {
        String value = approveWalTruncation.get(model);
        if (value == null) {
            return null;
        }
        try {
            return ApprovedTruncation.parse(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidKindlingPropertyException(APPROVE_WAL_TRUNCATION + "." + model, value, e.getMessage(),
                    "Copy the value the start-up error about the damaged write-ahead log printed: <segment file>:<offset>.");
        }
    }

    /**
     * The engine's settings; fails with a message naming the bad property.
     *
     * @param springShutdownTimeout Spring's shutdown phase timeout, used when shutdown-timeout is unset
     */
    public FineTuningSettings toSettings(Duration springShutdownTimeout) {
        Map<String, ApprovedTruncation> approved = new LinkedHashMap<>();
        approveWalTruncation.keySet().forEach(m -> approved.put(m, approvedWalTruncation(m)));
        try {
            return FineTuningSettings.builder().queueCapacity(queueCapacity).batchSize(batchSize).maxBatchDelay(maxBatchDelay)
                    .maxExamplesPerSecond(maxExamplesPerSecond).learningRate(learningRate).checkpointInterval(checkpointInterval).walSegmentBytes(walSegmentBytes)
                    .maxJobBytes(maxJobBytes).finishedJobsKept(finishedJobsKept).approvedTruncations(approved)
                    .shutdownTimeout(shutdownTimeout != null ? shutdownTimeout : springShutdownTimeout).build();
        } catch (IllegalArgumentException e) {
            throw new InvalidKindlingPropertyException("kindling." + e.getMessage().split(" ")[0], null, e.getMessage(),
                    "Change the kindling.fine-tuning.* values named above.");
        }
    }
}
