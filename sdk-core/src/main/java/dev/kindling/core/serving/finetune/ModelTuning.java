package dev.kindling.core.serving.finetune;

import dev.kindling.core.serving.guard.GuardSettings;

import java.time.Duration;

/**
 * How one model fine-tunes where it differs from the service's {@link FineTuningSettings}: every value may be null, which
 * means the service-wide one. Built with {@link #builder()}.
 *
 * @param learningRate       learning rate of this model's online updates
 * @param batchSize          examples trained together in one of its updates
 * @param queueCapacity      accepted examples waiting to be trained; beyond it feedback is refused
 * @param maxBatchDelay      longest wait for a micro-batch to fill
 * @param checkpointInterval how often it is checkpointed (and its served version kept)
 * @param guardrails         its label policy, validation gate, kept versions and audit trail
 */
public record ModelTuning(Float learningRate, Integer batchSize, Integer queueCapacity, Duration maxBatchDelay, Duration checkpointInterval,
                          GuardSettings guardrails) {

    /** Nothing differs from the service's settings. */
    public static final ModelTuning INHERIT = new ModelTuning(null, null, null, null, null, null);

    public static Builder builder() {
        return new Builder();
    }

    /** Mutable builder; what is not set is inherited. */
    public static final class Builder {
        private Float learningRate;
        private Integer batchSize;
        private Integer queueCapacity;
        private Duration maxBatchDelay;
        private Duration checkpointInterval;
        private GuardSettings guardrails;

        private Builder() {
        }

        public Builder learningRate(Float v) {
            learningRate = v;
            return this;
        }

        public Builder batchSize(Integer v) {
            batchSize = v;
            return this;
        }

        public Builder queueCapacity(Integer v) {
            queueCapacity = v;
            return this;
        }

        public Builder maxBatchDelay(Duration v) {
            maxBatchDelay = v;
            return this;
        }

        public Builder checkpointInterval(Duration v) {
            checkpointInterval = v;
            return this;
        }

        public Builder guardrails(GuardSettings v) {
            guardrails = v;
            return this;
        }

        public ModelTuning build() {
            return new ModelTuning(learningRate, batchSize, queueCapacity, maxBatchDelay, checkpointInterval, guardrails);
        }
    }
}
