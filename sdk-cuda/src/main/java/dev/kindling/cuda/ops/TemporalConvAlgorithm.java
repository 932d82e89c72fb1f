package dev.kindling.cuda.ops;

import java.util.Locale;

/**
 * How {@link CudaTemporalConv} computes a temporal convolution on the GPU. Both give the same results up
 * to float rounding; which is faster depends on the shape, so the GPU benchmark times both.
 */
public enum TemporalConvAlgorithm {

    /**
     * Unfold the input into a workspace [B·T', kW·in] (a window's kW frames are contiguous, so each row is
     * one contiguous copy) and run one large GEMM per pass; the input gradient is a GEMM into the
     * workspace and a gather back. Costs workspace memory and its traffic, gains one big GEMM.
     */
    UNFOLD,

    /**
     * fbcunn's formulation: no workspace. For each of the kW taps, one strided-batched GEMM over the
     * sequences whose input operand is the band of frames starting at that tap (row stride dW·in), summed
     * into the output in place. The weight gradient runs one strided-batched GEMM per sequence over the
     * taps. kW times more GEMM calls, each with an inner size of only {@code in}.
     */
    BANDED;

    /** The algorithm named by the system property {@code kindling.cuda.temporal-conv} (unfold | banded), UNFOLD by default. */
    static TemporalConvAlgorithm configured() {
        String v = System.getProperty("kindling.cuda.temporal-conv", "unfold").trim().toUpperCase(Locale.ROOT);
        try {
            return valueOf(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kindling.cuda.temporal-conv must be 'unfold' or 'banded', got '"
                    + System.getProperty("kindling.cuda.temporal-conv") + "'");
        }
    }
}
