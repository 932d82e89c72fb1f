package dev.kindling.core.serving.guard;

import java.nio.file.Path;

/**
 * How a model's validation gate judges what it learned before serving it.
 *
 * @param enabled          false: every round is served at once (no second copy, no judging)
 * @param heldOutFile      a fastText-format file of held-out examples (null: a reservoir sampled from promoted traffic)
 * @param reservoirSize    how many promoted examples the reservoir keeps (a uniform sample of all of them)
 * @param minHeldOut       below this many held-out examples the gate promotes without judging (too few to tell)
 * @param validateEvery    under sustained load, judge after this many trained examples (else after each burst: whenever
 *                         the training queue is empty)
 * @param maxPrecisionDrop the largest drop in held-out precision at 1 (absolute, 0..1) a new version may bring
 * @param maxLossIncrease  the largest rise in held-out mean loss (nats) a new version may bring
 */
public record GateSettings(boolean enabled, Path heldOutFile, int reservoirSize, int minHeldOut, int validateEvery,
                           double maxPrecisionDrop, double maxLossIncrease) {

    public GateSettings {
        if (reservoirSize < 1 || minHeldOut < 0 || validateEvery < 1) {
            throw new IllegalArgumentException("validation gate needs reservoir-size >= 1, min-held-out >= 0 and validate-every >= 1, got "
                    + reservoirSize + ", " + minHeldOut + ", " + validateEvery);
        }
        if (!(maxPrecisionDrop >= 0 && maxPrecisionDrop <= 1)) {
            throw new IllegalArgumentException("validation gate max-precision-drop must be between 0 and 1, got " + maxPrecisionDrop);
        }
        if (!(maxLossIncrease >= 0)) {
            throw new IllegalArgumentException("validation gate max-loss-increase must be 0 or more, got " + maxLossIncrease);
        }
    }

    /**
     * The defaults: on, a reservoir of 1,000 served examples, judging from 100 on, at most 1,000 examples between
     * judgements, a version may lose at most 0.05 precision at 1 and gain at most 0.25 nats of mean loss.
     */
    public static GateSettings defaults() {
        return new GateSettings(true, null, 1000, 100, 1000, 0.05, 0.25);
    }

    public static GateSettings off() {
        return defaults().withEnabled(false);
    }

    public GateSettings withEnabled(boolean v) {
        return new GateSettings(v, heldOutFile, reservoirSize, minHeldOut, validateEvery, maxPrecisionDrop, maxLossIncrease);
    }

    public GateSettings withHeldOutFile(Path v) {
        return new GateSettings(enabled, v, reservoirSize, minHeldOut, validateEvery, maxPrecisionDrop, maxLossIncrease);
    }

    public GateSettings withReservoirSize(int v) {
        return new GateSettings(enabled, heldOutFile, v, minHeldOut, validateEvery, maxPrecisionDrop, maxLossIncrease);
    }

    public GateSettings withMinHeldOut(int v) {
        return new GateSettings(enabled, heldOutFile, reservoirSize, v, validateEvery, maxPrecisionDrop, maxLossIncrease);
    }

    public GateSettings withValidateEvery(int v) {
        return new GateSettings(enabled, heldOutFile, reservoirSize, minHeldOut, v, maxPrecisionDrop, maxLossIncrease);
    }

    public GateSettings withMaxPrecisionDrop(double v) {
        return new GateSettings(enabled, heldOutFile, reservoirSize, minHeldOut, validateEvery, v, maxLossIncrease);
    }

    public GateSettings withMaxLossIncrease(double v) {
        return new GateSettings(enabled, heldOutFile, reservoirSize, minHeldOut, validateEvery, maxPrecisionDrop, v);
    }
}
