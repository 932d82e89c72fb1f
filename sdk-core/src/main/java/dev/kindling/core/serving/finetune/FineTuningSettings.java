package dev.kindling.core.serving.finetune;

import dev.kindling.core.io.ApprovedTruncation;
import dev.kindling.core.serving.guard.GuardSettings;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How online fine-tuning runs: micro-batches from feedback and jobs, checkpoints, the local log's segment size,
 * job limits. Built with {@link #builder()} (every value has a default); checked when built, each error naming
 * the setting and what it must be.
 *
 * @param queueCapacity         accepted examples waiting to be trained, per model; beyond it feedback is refused
 * @param batchSize             examples trained together in one update
 * @param maxBatchDelay         longest wait for a micro-batch to fill before training what is there
 * @param maxExamplesPerSecond  per model, the most examples trained a second (0: as fast as the CPU allows): a budget
 *                              that leaves CPU to classification when both compete for few cores
 * @param learningRate          learning rate of online updates
 * @param checkpointInterval    how often a model with new updates is checkpointed
 * @param walSegmentBytes       write-ahead log segment size in bytes
 * @param maxJobBytes           largest fine-tuning job file, in bytes
 * @param finishedJobsKept      jobs kept for status queries; beyond it the oldest finished ones are deleted
 * @param shutdownTimeout       longest wait on close for a model to train what was accepted and for the job runner
 * @param approvedTruncations   per model, the operator's approval to cut its corrupt write-ahead log at the damaged
 *                              record a start-up error named ({@code <segment file>:<offset>})
 * @param guardrails            every model's guardrails unless its {@link ModelTuning} says otherwise
 * @param models                per model, what differs from these settings ({@link #forModel})
 */
public record FineTuningSettings(int queueCapacity, int batchSize, Duration maxBatchDelay, int maxExamplesPerSecond, float learningRate,
                                 Duration checkpointInterval, long walSegmentBytes, long maxJobBytes, int finishedJobsKept,
                                 Duration shutdownTimeout, Map<String, ApprovedTruncation> approvedTruncations,
                                 GuardSettings guardrails, Map<String, ModelTuning> models) {

    public FineTuningSettings {
        if (queueCapacity < 1 || batchSize < 1 || batchSize > queueCapacity) {
            throw new IllegalArgumentException("fine-tuning needs queue-capacity >= batch-size >= 1, got queue-capacity="
                    + queueCapacity + " batch-size=" + batchSize);
        }
        if (maxExamplesPerSecond < 0) {
            throw new IllegalArgumentException("fine-tuning max-examples-per-second must be 0 (no limit) or positive, got " + maxExamplesPerSecond);
        }
        if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
            throw new IllegalArgumentException("fine-tuning learning-rate must be a positive number, got " + learningRate);
        }
        if (maxBatchDelay == null || maxBatchDelay.isNegative()) {
            throw new IllegalArgumentException("fine-tuning max-batch-delay must be zero or positive, got " + maxBatchDelay);
        }
        if (checkpointInterval == null || checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new IllegalArgumentException("fine-tuning checkpoint-interval must be positive, got " + checkpointInterval);
        }
        if (shutdownTimeout == null || shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("fine-tuning shutdown-timeout must be zero or positive, got " + shutdownTimeout);
        }
        if (walSegmentBytes < 4096) {
            throw new IllegalArgumentException("fine-tuning wal-segment-bytes must be at least 4096, got " + walSegmentBytes);
        }
        if (maxJobBytes < 1) {
            throw new IllegalArgumentException("fine-tuning max-job-bytes must be positive, got " + maxJobBytes);
        }
        if (finishedJobsKept < 1) {
            throw new IllegalArgumentException("fine-tuning finished-jobs-kept must be at least 1, got " + finishedJobsKept);
        }
        approvedTruncations = Map.copyOf(approvedTruncations == null ? Map.of() : approvedTruncations);
        guardrails = guardrails == null ? GuardSettings.defaults() : guardrails;
        models = Map.copyOf(models == null ? Map.of() : models);
    }

    /**
     * The settings model {@code model} fine-tunes with: these, with what its {@link ModelTuning} overrides.
     *
     * @throws IllegalArgumentException naming the model when the combination is invalid (e.g. its batch size beyond its queue)
     */
    public FineTuningSettings forModel(String model) {
        ModelTuning t = models.get(model);
        if (t == null) {
            return this;
        }
        Builder b = toBuilder().models(Map.of());
        if (t.learningRate() != null) {
            b.learningRate(t.learningRate());
        }
        if (t.batchSize() != null) {
            b.batchSize(t.batchSize());
        }
        if (t.queueCapacity() != null) {
            b.queueCapacity(t.queueCapacity());
        }
        if (t.maxBatchDelay() != null) {
            b.maxBatchDelay(t.maxBatchDelay());
        }
        if (t.checkpointInterval() != null) {
            b.checkpointInterval(t.checkpointInterval());
        }
        if (t.guardrails() != null) {
            b.guardrails(t.guardrails());
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model '" + model + "': " + e.getMessage(), e);
        }
    }

    /** The defaults: 10,000 queued, batches of 32 within 50 ms, lr 0.05, a checkpoint a minute, 64 MiB segments. */
    public static FineTuningSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The truncation approved for {@code model}'s log, or null. */
    public ApprovedTruncation approvedTruncation(String model) {
        return approvedTruncations.get(model);
    }

    public Builder toBuilder() {
        return new Builder().queueCapacity(queueCapacity).batchSize(batchSize).maxBatchDelay(maxBatchDelay)
                .maxExamplesPerSecond(maxExamplesPerSecond).learningRate(learningRate)
                .checkpointInterval(checkpointInterval).walSegmentBytes(walSegmentBytes).maxJobBytes(maxJobBytes)
                .finishedJobsKept(finishedJobsKept).shutdownTimeout(shutdownTimeout).approvedTruncations(approvedTruncations)
                .guardrails(guardrails).models(models);
    }

    /** Mutable builder with the defaults filled in. */
    public static final class Builder {
        private int queueCapacity = 10_000;
        private int batchSize = 32;
        private Duration maxBatchDelay = Duration.ofMillis(50);
        private int maxExamplesPerSecond;
        private float learningRate = 0.05f;
        private Duration checkpointInterval = Duration.ofMinutes(1);
        private long walSegmentBytes = 64L * 1024 * 1024;
        private long maxJobBytes = 256L * 1024 * 1024;
        private int finishedJobsKept = 1000;
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private Map<String, ApprovedTruncation> approvedTruncations = Map.of();
        private GuardSettings guardrails = GuardSettings.defaults();
        private Map<String, ModelTuning> models = new LinkedHashMap<>();

        private Builder() {
        }

        /** Every model's guardrails unless its own tuning says otherwise (default: {@link GuardSettings#defaults()}). */
        public Builder guardrails(GuardSettings v) {
            guardrails = v;
            return this;
        }

        /** What model {@code name} does differently (learning rate, batch size, guardrails, ...). */
        public Builder model(String name, ModelTuning tuning) {
            models.put(name, tuning);
            return this;
        }

        public Builder models(Map<String, ModelTuning> v) {
            models = new LinkedHashMap<>(v);
            return this;
        }

        public Builder queueCapacity(int v) {
            queueCapacity = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder maxBatchDelay(Duration v) {
            maxBatchDelay = v;
            return this;
        }

        /** Per model, the most examples trained a second; 0 (the default): no limit. */
        public Builder maxExamplesPerSecond(int v) {
            this.maxExamplesPerSecond = v;
            return this;
        }

        public Builder learningRate(float v) {
            learningRate = v;
            return this;
        }

        public Builder checkpointInterval(Duration v) {
            checkpointInterval = v;
            return this;
        }

        public Builder walSegmentBytes(long v) {
            walSegmentBytes = v;
            return this;
        }

        public Builder maxJobBytes(long v) {
            maxJobBytes = v;
            return this;
        }

        public Builder finishedJobsKept(int v) {
            finishedJobsKept = v;
            return this;
        }

        public Builder shutdownTimeout(Duration v) {
            shutdownTimeout = v;
            return this;
        }

        public Builder approvedTruncations(Map<String, ApprovedTruncation> v) {
            approvedTruncations = v;
            return this;
        }

        public FineTuningSettings build() {
            FineTuningSettings s = new FineTuningSettings(queueCapacity, batchSize, maxBatchDelay, maxExamplesPerSecond, learningRate, checkpointInterval,
                    walSegmentBytes, maxJobBytes, finishedJobsKept, shutdownTimeout, approvedTruncations, guardrails, models);
            for (String model : s.models().keySet()) {
                s.forModel(model);   // a model's values are checked with the rest: a bad one fails here, naming the model
            }
            return s;
        }
    }
}
