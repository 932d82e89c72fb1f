package dev.kindling.spring.model;

import dev.kindling.core.serving.guard.GateSettings;
import dev.kindling.core.serving.guard.GuardSettings;
import dev.kindling.core.serving.guard.LabelPolicySettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code kindling.models.<name>.guardrails.*}: what this model may be taught (labels), what is served of what it learned
 * (gate), how many versions are kept for rollback, and whether changes are audited. On by default; -1 lifts a cap.
 */
public class GuardrailsProperties {

    @Valid
    private Labels labels = new Labels();

    @Valid
    private Gate gate = new Gate();

    /** How many served versions are kept on disk for rollback (the write-ahead log is kept back to the oldest); 0: none, no rollback. */
    @Min(0)
    private int versionsKept = 5;

    /** Whether feedback, jobs and rollbacks are written to the model's audit trail (<directory>/<model>/audit/audit.jsonl). */
    private boolean audit = true;

    /** The engine's guardrails; {@code heldOut} resolves the held-out file's location to a local file. */
    GuardSettings toSettings(Function<String, Path> heldOut) {
        LabelPolicySettings l = new LabelPolicySettings(labels.allowed, labels.pattern, labels.maxNewPerHour, labels.maxNewTotal,
                labels.maxExamplesPerLabelPerMinute);
        GateSettings g = new GateSettings(gate.enabled, gate.heldOut == null || gate.heldOut.isBlank() ? null : heldOut.apply(gate.heldOut),
                gate.reservoirSize, gate.minHeldOut, gate.validateEvery, gate.maxPrecisionDrop, gate.maxLossIncrease);
        return new GuardSettings(l, g, versionsKept, audit);
    }

    public Labels getLabels() {
        return labels;
    }

    public void setLabels(Labels labels) {
        this.labels = labels;
    }

    public Gate getGate() {
        return gate;
    }

    public void setGate(Gate gate) {
        this.gate = gate;
    }

    public int getVersionsKept() {
        return versionsKept;
    }

    public void setVersionsKept(int versionsKept) {
        this.versionsKept = versionsKept;
    }

    public boolean isAudit() {
        return audit;
    }

    public void setAudit(boolean audit) {
        this.audit = audit;
    }

    /** {@code guardrails.labels.*}: the label policy, checked before feedback or a job is logged. */
    public static class Labels {

        /** New labels that may be taught (empty: any that matches the pattern); the model's own labels are always allowed. */
        private Set<String> allowed = new LinkedHashSet<>();

        /** A regular expression a new label must match in full (unset: any). */
        private String pattern;

        /** New labels taken in any sliding hour (-1: no cap; 0: none). */
        @Min(-1)
        private int maxNewPerHour = 100;

        /** Labels the model may hold beyond those it had when guardrails first saw it (-1: no cap). */
        @Min(-1)
        private int maxNewTotal = 10_000;

        /** Feedback examples per label per clock minute (-1: no cap); jobs are not counted. */
        @Min(-1)
        private int maxExamplesPerLabelPerMinute = 600;

        public Set<String> getAllowed() {
            return allowed;
        }

        public void setAllowed(Set<String> allowed) {
            this.allowed = allowed;
        }

        public String getPattern() {
            return pattern;
        }

        public void setPattern(String pattern) {
            this.pattern = pattern;
        }

        public int getMaxNewPerHour() {
            return maxNewPerHour;
        }

        public void setMaxNewPerHour(int maxNewPerHour) {
            this.maxNewPerHour = maxNewPerHour;
        }

        public int getMaxNewTotal() {
            return maxNewTotal;
        }

        public void setMaxNewTotal(int maxNewTotal) {
            this.maxNewTotal = maxNewTotal;
        }

        public int getMaxExamplesPerLabelPerMinute() {
            return maxExamplesPerLabelPerMinute;
        }

        public void setMaxExamplesPerLabelPerMinute(int maxExamplesPerLabelPerMinute) {
            this.maxExamplesPerLabelPerMinute = maxExamplesPerLabelPerMinute;
        }
    }

    /** {@code guardrails.gate.*}: the validation gate that scores each learned version before it is served. */
    public static class Gate {

        /** Whether learned versions are judged before they are served (false: every round is served at once, no second copy). */
        private boolean enabled = true;

        /**
         * A fastText-format file of held-out examples (a path or a resource location, as for checkpoint); unset: a reservoir
         * sampled from served feedback.
         */
        private String heldOut;

        /** How many served examples the reservoir keeps. */
        @Min(1)
        private int reservoirSize = 1000;

        /** Below this many held-out examples versions are served without being judged. */
        @Min(0)
        private int minHeldOut = 100;

        /** Under sustained load, judge after this many trained examples (else after each burst). */
        @Min(1)
        private int validateEvery = 1000;

        /** The largest drop in held-out precision at 1 (0 to 1) a new version may bring. */
        @DecimalMin("0.0")
        @DecimalMax("1.0")
        private double maxPrecisionDrop = 0.05;

        /** The largest rise in held-out mean loss (nats) a new version may bring. */
        @DecimalMin("0.0")
        private double maxLossIncrease = 0.25;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getHeldOut() {
            return heldOut;
        }

        public void setHeldOut(String heldOut) {
            this.heldOut = heldOut;
        }

        public int getReservoirSize() {
            return reservoirSize;
        }

        public void setReservoirSize(int reservoirSize) {
            this.reservoirSize = reservoirSize;
        }

        public int getMinHeldOut() {
            return minHeldOut;
        }

        public void setMinHeldOut(int minHeldOut) {
            this.minHeldOut = minHeldOut;
        }

        public int getValidateEvery() {
            return validateEvery;
        }

        public void setValidateEvery(int validateEvery) {
            this.validateEvery = validateEvery;
        }

        public double getMaxPrecisionDrop() {
            return maxPrecisionDrop;
        }

        public void setMaxPrecisionDrop(double maxPrecisionDrop) {
            this.maxPrecisionDrop = maxPrecisionDrop;
        }

        public double getMaxLossIncrease() {
            return maxLossIncrease;
        }

        public void setMaxLossIncrease(double maxLossIncrease) {
            this.maxLossIncrease = maxLossIncrease;
        }
    }
}
