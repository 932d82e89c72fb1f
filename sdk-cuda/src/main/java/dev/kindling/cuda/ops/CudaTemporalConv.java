package dev.kindling.cuda.ops;

import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.runtime.CudaDevice;

import static dev.kindling.cuda.runtime.CudaStorage.address;
import static dev.kindling.cuda.runtime.CudaStorage.addressOrNull;

/**
 * Temporal convolution on the GPU, with the semantics of {@code CpuConv}: input [B, T, in], weight
 * [out, kW, in], output [B, T', out], T' = (T - kW) / dW + 1; output and gradInput overwritten, gradWeight
 * and gradBias accumulated. Two algorithms ({@link TemporalConvAlgorithm}):
 *
 * <ul>
 * <li>UNFOLD: the input unfolded into a workspace [n·T', kW·in] (n sequences at a time, as many as the
 * workspace budget holds) and one GEMM per pass and chunk, as the CPU backend does.</li>
 * <li>BANDED (fbcunn): no unfolded copy. Tap j of window p reads frame p·dW + j, so for a fixed j the
 * frames the windows read are rows of x at a stride of dW·in floats starting at frame j: a strided
 * matrix [T', in] that cuBLAS reads in place (leading dimension dW·in). One strided-batched GEMM per tap,
 * the sequences as its batch.</li>
 * </ul>
 *
 * The work is expressed as {@link ConvSteps} so that tests can run it on the host as well.
 */
final class CudaTemporalConv {

    private final long workspaceBytes;
    private final TemporalConvAlgorithm algorithm;

    CudaTemporalConv(long workspaceBytes, TemporalConvAlgorithm algorithm) {
        this.workspaceBytes = workspaceBytes;
        this.algorithm = algorithm;
    }

    TemporalConvAlgorithm algorithm() {
        return algorithm;
    }

    /** Sizes of one call: input [batch, frames, in], weight [out, kW, in], output [batch, steps, out]. */
    record Dims(int batch, int frames, int in, int out, int kW, int dW, int steps) {
        long row() {
            return (long) kW * in;
        }

        int ldFrames() {
            return Math.toIntExact((long) dW * in);
        }

        long inputFloats() {
            return (long) frames * in;
        }

        long outputFloats() {
            return (long) steps * out;
        }
    }

    private static Dims dims(Tensor x, Tensor weight, int dW, int steps) {
        return new Dims(x.size(0), x.size(1), weight.size(2), weight.size(0), weight.size(1), dW, steps);
    }

    /** Sequences per workspace chunk: as many as fit in the budget, at least one. */
    private int chunk(Dims s) {
        long fit = workspaceBytes / Math.max(1, s.steps() * s.row() * Float.BYTES);
        return (int) Math.max(1, Math.min(s.batch(), fit));
    }

    // ---- tensors in, device steps out ---------------------------------------------------------------

    void forward(Tensor input, Tensor weight, Tensor bias, int dW, Tensor output) {
        CudaDevice d = CudaDevice.of(output);
        try (CudaDevice.Scope scope = d.enter()) {
            forward(new DeviceConvSteps(d), dims(input, weight, dW, output.size(1)), address(input), address(weight), addressOrNull(bias),
                    address(output));
        }
    }

    void backwardInput(Tensor gradOutput, Tensor weight, int dW, Tensor gradInput) {
        CudaDevice d = CudaDevice.of(gradInput);
        try (CudaDevice.Scope scope = d.enter()) {
            backwardInput(new DeviceConvSteps(d), dims(gradInput, weight, dW, gradOutput.size(1)), address(gradOutput), address(weight),
                    address(gradInput));
        }
    }

    void accGradParameters(Tensor input, Tensor gradOutput, int dW, Tensor gradWeight, Tensor gradBias) {
        CudaDevice d = CudaDevice.of(gradWeight);
        try (CudaDevice.Scope scope = d.enter()) {
            accGradParameters(new DeviceConvSteps(d), dims(input, gradWeight, dW, gradOutput.size(1)), address(input), address(gradOutput),
                    address(gradWeight), addressOrNull(gradBias));
        }
    }

    // ---- the algorithms on ConvSteps (bias and gradBias: 0 when absent) -----------------------------

    void forward(ConvSteps st, Dims s, long x, long w, long bias, long y) {
        float beta = 0f;
        if (bias != 0) {
            st.fillBiasRows(y, bias, (long) s.batch() * s.steps(), s.out());
            beta = 1f;
        }
        if (algorithm == TemporalConvAlgorithm.BANDED) {
            forwardBanded(st, s, x, w, beta, y);
        } else {
            forwardUnfold(st, s, x, w, beta, y);
        }
    }

    void backwardInput(ConvSteps st, Dims s, long go, long w, long gi) {
        if (algorithm == TemporalConvAlgorithm.BANDED) {
            backwardInputBanded(st, s, go, w, gi);
        } else {
            backwardInputUnfold(st, s, go, w, gi);
        }
    }

    void accGradParameters(ConvSteps st, Dims s, long x, long go, long gw, long gb) {
        if (algorithm == TemporalConvAlgorithm.BANDED) {
            accGradBanded(st, s, x, go, gw);
        } else {
            accGradUnfold(st, s, x, go, gw);
        }
        if (gb != 0) {
            st.addColumnSums(go, (long) s.batch() * s.steps(), s.out(), gb);
        }
    }

    // ---- unfold: workspace [n·T', kW·in], one GEMM per chunk of n sequences ------------------------

    /** y[rows, out] = cols[rows, kW·in] · weight[out, kW·in]^T (+ the bias already there when beta = 1). */
    private void forwardUnfold(ConvSteps st, Dims s, long x, long w, float beta, long y) {
        int k = Math.toIntExact(s.row());
        int n = chunk(s);
        try (ConvSteps.Buffer cols = st.allocate((long) n * s.steps() * k)) {
            for (int b0 = 0; b0 < s.batch(); b0 += n) {
                int nb = Math.min(n, s.batch() - b0);
                st.temporalUnfold(x + b0 * s.inputFloats() * Float.BYTES, cols.address(), nb, s.frames(), s.in(), s.steps(), s.kW(), s.dW());
                st.gemm(false, true, nb * s.steps(), s.out(), k, 1f, cols.address(), k, w, k, beta, y + b0 * s.outputFloats() * Float.BYTES,
                        s.out());
            }
        }
    }

    /** gcols[rows, kW·in] = go[rows, out] · weight[out, kW·in], then folded back onto the frames. */
    private void backwardInputUnfold(ConvSteps st, Dims s, long go, long w, long gi) {
        int k = Math.toIntExact(s.row());
        int n = chunk(s);
        try (ConvSteps.Buffer gcols = st.allocate((long) n * s.steps() * k)) {
            for (int b0 = 0; b0 < s.batch(); b0 += n) {
                int nb = Math.min(n, s.batch() - b0);
                st.gemm(false, false, nb * s.steps(), k, s.out(), 1f, go + b0 * s.outputFloats() * Float.BYTES, s.out(), w, k, 0f,
                        gcols.address(), k);
                st.temporalFold(gcols.address(), gi + b0 * s.inputFloats() * Float.BYTES, nb, s.frames(), s.in(), s.steps(), s.kW(), s.dW());
            }
        }
    }

    /** gradWeight[out, kW·in] += go[rows, out]^T · cols[rows, kW·in]. */
    private void accGradUnfold(ConvSteps st, Dims s, long x, long go, long gw) {
        int k = Math.toIntExact(s.row());
        int n = chunk(s);
        try (ConvSteps.Buffer cols = st.allocate((long) n * s.steps() * k)) {
            for (int b0 = 0; b0 < s.batch(); b0 += n) {
                int nb = Math.min(n, s.batch() - b0);
                st.temporalUnfold(x + b0 * s.inputFloats() * Float.BYTES, cols.address(), nb, s.frames(), s.in(), s.steps(), s.kW(), s.dW());
                st.gemm(true, false, s.out(), k, nb * s.steps(), 1f, go + b0 * s.outputFloats() * Float.BYTES, s.out(), cols.address(), k,
                        1f, gw, k);
            }
        }
    }

    // ---- banded: per-tap GEMMs on the input in place ----------------------------------------------

    /**
     * y_b[T', out] = Σ_j x_b,j[T', in] · W_j[out, in]^T, with x_b,j the band of frames from frame j at row
     * stride dW·in and W_j the in columns of tap j in weight [out, kW·in]. The first tap uses {@code beta}.
     */
    private static void forwardBanded(ConvSteps st, Dims s, long x, long w, float beta, long y) {
        int ldw = Math.toIntExact(s.row());
        for (int j = 0; j < s.kW(); j++) {
            st.stridedGemm(false, true, s.steps(), s.out(), s.in(), 1f,
                    x + (long) j * s.in() * Float.BYTES, s.ldFrames(), s.inputFloats(),
                    w + (long) j * s.in() * Float.BYTES, ldw, 0,
                    j == 0 ? beta : 1f, y, s.out(), s.outputFloats(), s.batch());
        }
    }

    /**
     * gi = 0, then gi_b,j[T', in] += go_b[T', out] · W_j[out, in] for each tap j, into the band of frames
     * the forward read (frames no window covers stay 0). Within one call the frames a sequence's windows
     * write are distinct; taps overlap only across calls, which run in stream order.
     */
    private static void backwardInputBanded(ConvSteps st, Dims s, long go, long w, long gi) {
        st.zero(gi, s.batch() * s.inputFloats());
        int ldw = Math.toIntExact(s.row());
        for (int j = 0; j < s.kW(); j++) {
            st.stridedGemm(false, false, s.steps(), s.in(), s.out(), 1f,
                    go, s.out(), s.outputFloats(),
                    w + (long) j * s.in() * Float.BYTES, ldw, 0,
                    1f, gi + (long) j * s.in() * Float.BYTES, s.ldFrames(), s.inputFloats(), s.batch());
        }
    }

    /**
     * gW_j[out, in] += go_b[T', out]^T · x_b,j[T', in], batched over the taps j (gW_j: column block j of
     * gradWeight [out, kW·in], stride in floats; x_b,j: stride in floats), one call per sequence b: the
     * taps of one sequence write disjoint blocks, whereas sequences would all write the same ones.
     */
    private static void accGradBanded(ConvSteps st, Dims s, long x, long go, long gw) {
        int ldw = Math.toIntExact(s.row());
        for (int b = 0; b < s.batch(); b++) {
            st.stridedGemm(true, false, s.out(), s.in(), s.steps(), 1f,
                    go + b * s.outputFloats() * Float.BYTES, s.out(), 0,
                    x + b * s.inputFloats() * Float.BYTES, s.ldFrames(), s.in(),
                    1f, gw, ldw, s.in(), s.kW());
        }
    }
}
