package dev.kindling.spring.finetune;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;

/** {@code kindling.fine-tuning.*}: online fine-tuning from feedback and batch jobs. */
@ConfigurationProperties("kindling.fine-tuning")
public class FineTuningProperties {

    /** Whether models accept feedback and fine-tuning jobs. */
    private boolean enabled = true;

    /** Where write-ahead logs and checkpoints live (one sub-directory per model). */
    private Path directory = Path.of("kindling-data");

    /** Accepted examples waiting to be trained, per model; beyond it feedback is refused (HTTP 429). */
    private int queueCapacity = 10_000;

    /** Examples trained together in one update. */
    private int batchSize = 32;

    /** Longest wait for a micro-batch to fill before training what is there. */
    private Duration maxBatchDelay = Duration.ofMillis(50);

    /** Learning rate of online updates. */
    private float learningRate = 0.05f;

    /** How often a model with new updates is checkpointed. */
    private Duration checkpointInterval = Duration.ofMinutes(1);

    /** Write-ahead log segment size in bytes. */
    private long walSegmentBytes = 64L * 1024 * 1024;

    /** Largest fine-tuning job file, in bytes. */
    private long maxJobBytes = 256L * 1024 * 1024;

    /** Jobs kept for status queries (with their stored records); beyond it the oldest finished ones are forgotten and deleted. */
    private int finishedJobsKept = 1000;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
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

    /** Fails with a message naming the bad setting. */
    void validate() {
        if (queueCapacity < 1 || batchSize < 1 || batchSize > queueCapacity) {
            throw new IllegalArgumentException("kindling.fine-tuning needs queue-capacity >= batch-size >= 1, got queue-capacity="
                    + queueCapacity + " batch-size=" + batchSize);
        }
        if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
            throw new IllegalArgumentException("kindling.fine-tuning.learning-rate must be a positive number, got " + learningRate);
        }
        if (maxBatchDelay.isNegative() || checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new IllegalArgumentException("kindling.fine-tuning durations must be positive");
        }
        if (finishedJobsKept < 1) {
            throw new IllegalArgumentException("kindling.fine-tuning.finished-jobs-kept must be at least 1, got " + finishedJobsKept);
        }
    }
}
