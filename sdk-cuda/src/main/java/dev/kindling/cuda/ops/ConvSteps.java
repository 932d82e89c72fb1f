package dev.kindling.cuda.ops;

import dev.kindling.core.backend.ConvGeometry;

/**
 * The steps the direct convolutions are built from: workspace, GEMMs and the kernels of {@code conv.cu}.
 * {@link CudaTemporalConv} and {@link CudaSpatialConv} orchestrate them (chunking, offsets, leading
 * dimensions, layouts). On the GPU they are {@link DeviceConvSteps} (kernels and cuBLAS on the device's
 * stream); the tests also run the same orchestration on a host implementation, which checks it against
 * the CPU backend where no GPU is present.
 *
 * <p>Addresses are byte addresses; counts, leading dimensions and strides are in floats; matrices are
 * row-major. Each kernel step's comment in conv.cu gives its exact definition.
 */
interface ConvSteps {

    /** Workspace memory; closing it hands it back (after the work already enqueued that uses it). */
    interface Buffer extends AutoCloseable {
        long address();

        @Override
        void close();
    }

    Buffer allocate(long floats);

    void zero(long address, long floats);

    /** C = alpha op(A) op(B) + beta C (beta 0: C is not read). */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long b, int ldb, float beta, long c, int ldc);

    /** C_i = alpha op(A_i) op(B_i) + beta C_i for i < batch, X_i = X + i·strideX floats (stride 0: one matrix for all). */
    void stridedGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long strideA, long b, int ldb,
                     long strideB, float beta, long c, int ldc, long strideC, int batch);

    /** conv.cu temporal_unfold: cols[n·steps, kW·in] from x[n, frames, in]. */
    void temporalUnfold(long x, long cols, int n, int frames, int in, int steps, int kW, int dW);

    /** conv.cu temporal_fold: gi[n, frames, in] (overwritten) from gcols[n·steps, kW·in]. */
    void temporalFold(long gcols, long gi, int n, int frames, int in, int steps, int kW, int dW);

    /** conv.cu im2col_batch: cols[C·kH·kW, n·oh·ow] from x[n, C, H, W]. */
    void im2col(long x, long cols, int n, int ch, int h, int w, ConvGeometry g, int oh, int ow);

    /** conv.cu col2im_batch: gi[n, C, H, W] (overwritten) from gcols[C·kH·kW, n·oh·ow]. */
    void col2im(long gcols, long gi, int n, int ch, int h, int w, ConvGeometry g, int oh, int ow);

    /** y[r, o] = bias[o] for y [rows, outputs]. */
    void fillBiasRows(long y, long bias, long rows, int outputs);

    /** y[b, o, q] = bias[o] for y [batch, outputs, plane]. */
    void fillBiasPlanes(long y, long bias, int batch, int outputs, int plane);

    /** goCols[o, b·plane + q] = go[b, o, q] for b < n. */
    void batchToColumns(long go, long goCols, int n, int outputs, int plane);

    /** out[c] += Σ_r m[r, c] for m [rows, cols]. */
    void addColumnSums(long m, long rows, int cols, long out);

    /** out[o] += Σ_b Σ_q go[b, o, q] for go [batch, outputs, plane]. */
    void addPlaneSums(long go, int batch, int outputs, int plane, long out);
}
