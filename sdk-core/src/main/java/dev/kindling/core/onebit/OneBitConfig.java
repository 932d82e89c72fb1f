package dev.kindling.core.onebit;

import dev.kindling.core.backend.QuantizationAxis;

/**
 * Settings of {@link OneBitDataParallel}.
 *
 * @param axis        reconstruction values per row (fbcunn) or per column (Seide et al.)
 * @param minElements gradients with fewer entries (biases, small layers) are exchanged in full precision
 * @param smoothing   smoothing of the combined gradient ({@link Smoothing#none()} for plain 1-bit SGD)
 */
public record OneBitConfig(QuantizationAxis axis, int minElements, Smoothing smoothing) {

    /** Default threshold below which gradients travel in full precision. */
    public static final int DEFAULT_MIN_ELEMENTS = 1024;

    public OneBitConfig {
        if (axis == null) {
            throw new IllegalArgumentException("1-bit quantization axis is null; use PER_ROW or PER_COLUMN");
        }
        if (minElements < 1) {
            throw new IllegalArgumentException("minElements must be >= 1, got " + minElements);
        }
        if (smoothing == null) {
            throw new IllegalArgumentException("smoothing is null; use Smoothing.none()");
        }
    }

    public static OneBitConfig defaults() {
        return new OneBitConfig(QuantizationAxis.PER_ROW, DEFAULT_MIN_ELEMENTS, Smoothing.none());
    }
}
