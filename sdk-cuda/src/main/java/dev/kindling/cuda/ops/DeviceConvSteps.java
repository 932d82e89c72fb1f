package dev.kindling.cuda.ops;

import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.cuda.memory.DeviceBlock;
import dev.kindling.cuda.runtime.CudaDevice;
import dev.kindling.cuda.runtime.KernelArgs;

/**
 * {@link ConvSteps} on one GPU: the kernels of {@code conv.cu} and cuBLAS, all on the device's stream. Use
 * inside {@code device.enter()}. Kernels that walk segments (a row, a plane) get one block per segment
 * up to the grid cap, and grid-stride over the rest.
 */
final class DeviceConvSteps implements ConvSteps {

    private static final int BLOCK = 256;
    /** Blocks the first stage of a column sum aims for: enough to fill an H100/H200 several times over. */
    private static final long TARGET_BLOCKS = 1024;
    private static final long MIN_ROWS_PER_SLICE = 64;

    private final CudaDevice d;

    DeviceConvSteps(CudaDevice d) {
        this.d = d;
    }

    private void launch(String kernel, long segments, KernelArgs args) {
        if (segments > 0) {
            d.launch(d.kernel("conv", kernel), d.grid(segments * BLOCK, BLOCK), BLOCK, args);
        }
    }

    @Override
    public Buffer allocate(long floats) {
        DeviceBlock block = d.allocate(Math.max(1, floats) * Float.BYTES);
        return new Buffer() {
            @Override
            public long address() {
                return block.address();
            }

            @Override
            public void close() {
                block.close();
            }
        };
    }

    @Override
    public void zero(long address, long floats) {
        d.zero(address, floats * Float.BYTES);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long b, int ldb, float beta, long c,
                     int ldc) {
        d.gemmRowMajor(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    @Override
    public void stridedGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long strideA, long b, int ldb,
                            long strideB, float beta, long c, int ldc, long strideC, int batch) {
        StridedGemm.run(d, transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch);
    }

    @Override
    public void temporalUnfold(long x, long cols, int n, int frames, int in, int steps, int kW, int dW) {
        launch("temporal_unfold", (long) n * steps, KernelArgs.of().ptr(x).ptr(cols).i(n).i(frames).i(in).i(steps).i(kW).i(dW));
    }

    @Override
    public void temporalFold(long gcols, long gi, int n, int frames, int in, int steps, int kW, int dW) {
        launch("temporal_fold", (long) n * frames, KernelArgs.of().ptr(gcols).ptr(gi).i(n).i(frames).i(in).i(steps).i(kW).i(dW));
    }

    private static KernelArgs geometry(KernelArgs a, int n, int ch, int h, int w, ConvGeometry g, int oh, int ow) {
        return a.i(n).i(ch).i(h).i(w).i(g.kH()).i(g.kW()).i(g.dH()).i(g.dW()).i(g.padH()).i(g.padW()).i(oh).i(ow);
    }

    @Override
    public void im2col(long x, long cols, int n, int ch, int h, int w, ConvGeometry g, int oh, int ow) {
        launch("im2col_batch", (long) ch * g.kH() * g.kW() * n, geometry(KernelArgs.of().ptr(x).ptr(cols), n, ch, h, w, g, oh, ow));
    }

    @Override
    public void col2im(long gcols, long gi, int n, int ch, int h, int w, ConvGeometry g, int oh, int ow) {
        launch("col2im_batch", (long) n * ch, geometry(KernelArgs.of().ptr(gcols).ptr(gi), n, ch, h, w, g, oh, ow));
    }

    @Override
    public void fillBiasRows(long y, long bias, long rows, int outputs) {
        launch("fill_bias_rows", rows, KernelArgs.of().ptr(y).ptr(bias).l(rows).i(outputs));
    }

    @Override
    public void fillBiasPlanes(long y, long bias, int batch, int outputs, int plane) {
        long runs = (long) batch * outputs;
        launch("fill_bias_planes", runs, KernelArgs.of().ptr(y).ptr(bias).l(runs).i(outputs).i(plane));
    }

    @Override
    public void batchToColumns(long go, long goCols, int n, int outputs, int plane) {
        launch("batch_to_columns", (long) outputs * n, KernelArgs.of().ptr(go).ptr(goCols).i(n).i(outputs).i(plane));
    }

    /** Two stages: partial column sums over slices of rows, then each column's partials in slice order (reproducible). */
    @Override
    public void addColumnSums(long m, long rows, int cols, long out) {
        if (rows == 0 || cols == 0) {
            return;
        }
        int colBlocks = (cols + 31) / 32;
        long slices = Math.max(1, Math.min((TARGET_BLOCKS + colBlocks - 1) / colBlocks,
                (rows + MIN_ROWS_PER_SLICE - 1) / MIN_ROWS_PER_SLICE));
        long rowsPerSlice = (rows + slices - 1) / slices;
        slices = (rows + rowsPerSlice - 1) / rowsPerSlice;
        try (DeviceBlock partial = d.allocate(slices * cols * Float.BYTES)) {
            d.launch(d.kernel("conv", "column_sums_partial"), Math.toIntExact(slices * colBlocks), BLOCK,
                    KernelArgs.of().ptr(m).l(rows).i(cols).i(colBlocks).l(rowsPerSlice).ptr(partial.address()));
            finish(partial.address(), slices, cols, out);
        }
    }

    /** Two stages: one partial per (image, output plane), then each output's partials in image order. */
    @Override
    public void addPlaneSums(long go, int batch, int outputs, int plane, long out) {
        long runs = (long) batch * outputs;
        if (runs == 0) {
            return;
        }
        try (DeviceBlock partial = d.allocate(runs * Float.BYTES)) {
            launch("plane_sums", runs, KernelArgs.of().ptr(go).l(runs).l(plane).ptr(partial.address()));
            finish(partial.address(), batch, outputs, out);
        }
    }

    private void finish(long partial, long slices, int cols, long out) {
        d.launch(d.kernel("conv", "column_sums_finish"), d.grid(cols, BLOCK), BLOCK, KernelArgs.of().ptr(partial).l(slices).i(cols).ptr(out));
    }
}
