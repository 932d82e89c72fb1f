package dev.kindling.spring.model;

import dev.kindling.core.serving.finetune.ModelTuning;
import dev.kindling.core.serving.guard.GuardSettings;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;

import java.time.Duration;

/**
 * {@code kindling.models.<name>.tuning.*}: how this model fine-tunes where it differs from {@code kindling.fine-tuning.*};
 * every key left unset is the service-wide value.
 */
public class ModelTuningProperties {

    /** Learning rate of this model's online updates (unset: kindling.fine-tuning.learning-rate). */
    @DecimalMin(value = "0", inclusive = false)
    private Float learningRate;

    /** Examples trained together in one of this model's updates (unset: kindling.fine-tuning.batch-size). */
    @Min(1)
    private Integer batchSize;

    /** Accepted examples of this model waiting to be trained; beyond it feedback is refused (unset: kindling.fine-tuning.queue-capacity). */
    @Min(1)
    private Integer queueCapacity;

    /** Longest wait for one of this model's micro-batches to fill (unset: kindling.fine-tuning.max-batch-delay). */
    private Duration maxBatchDelay;

    /** How often this model is checkpointed and its served version kept (unset: kindling.fine-tuning.checkpoint-interval). */
    private Duration checkpointInterval;

    /** The engine's tuning of this model, with {@code guardrails}. */
    ModelTuning toTuning(GuardSettings guardrails) {
        return ModelTuning.builder().learningRate(learningRate).batchSize(batchSize).queueCapacity(queueCapacity)
                .maxBatchDelay(maxBatchDelay).checkpointInterval(checkpointInterval).guardrails(guardrails).build();
    }

    public Float getLearningRate() {
        return learningRate;
    }

    public void setLearningRate(Float learningRate) {
        this.learningRate = learningRate;
    }

    public Integer getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(Integer batchSize) {
        this.batchSize = batchSize;
    }

    public Integer getQueueCapacity() {
        return queueCapacity;
    }

    public void setQueueCapacity(Integer queueCapacity) {
        this.queueCapacity = queueCapacity;
    }

    public Duration getMaxBatchDelay() {
        return maxBatchDelay;
    }

    public void setMaxBatchDelay(Duration maxBatchDelay) {
        this.maxBatchDelay = maxBatchDelay;
    }

    public Duration getCheckpointInterval() {
        return checkpointInterval;
    }

    public void setCheckpointInterval(Duration checkpointInterval) {
        this.checkpointInterval = checkpointInterval;
    }
}
