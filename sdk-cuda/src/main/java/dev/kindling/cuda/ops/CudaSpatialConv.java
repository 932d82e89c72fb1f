package dev.kindling.cuda.ops;

import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.runtime.CudaDevice;

import static dev.kindling.cuda.runtime.CudaStorage.address;
import static dev.kindling.cuda.runtime.CudaStorage.addressOrNull;

/**
 * Direct spatial convolution on the GPU (any stride and padding), with the semantics of {@code CpuConv}:
 * im2col into a workspace, cuBLAS GEMMs, and the adjoint of im2col as a gather for gradInput.
 *
 * <p>The workspace holds the unfolded columns of n images side by side, [C·kH·kW, n·plane] with
 * plane = H'·W' (n as large as the workspace budget allows). One layout serves all three passes: the
 * forward and input-gradient GEMMs are strided-batched over the n images (image b's columns start b·plane
 * floats in, row stride n·plane), and the weight gradient is a single GEMM whose inner dimension runs over
 * all n·plane columns, with gradOutput first rearranged to [O, n·plane] the same way.
 *
 * <p>A 1×1 kernel with stride 1 and no padding needs no unfold: each image [C, H·W] is its own column
 * matrix, so forward and gradInput are one strided-batched GEMM on the tensors themselves.
 *
 * <p>The work is expressed as {@link ConvSteps} so that tests can run it on the host as well.
 */
final class CudaSpatialConv {

    private final long workspaceBytes;

    CudaSpatialConv(long workspaceBytes) {
        this.workspaceBytes = workspaceBytes;
    }

    /** Sizes of one call: input [batch, ch, h, w], weight [out, ch, kH, kW], output [batch, out, oh, ow]. */
    record Dims(int batch, int ch, int h, int w, int out, int oh, int ow, ConvGeometry g) {
        int plane() {
            return Math.toIntExact((long) oh * ow);
        }

        int k() {
            return Math.toIntExact((long) ch * g.kH() * g.kW());
        }

        long imageFloats() {
            return (long) ch * h * w;
        }

        long outFloats() {
            return (long) out * plane();
        }

        boolean pointwise() {
            return g.kH() == 1 && g.kW() == 1 && g.unitStride() && g.padH() == 0 && g.padW() == 0;
        }
    }

    private static Dims dims(Tensor image, int nOut, Tensor out, ConvGeometry g) {
        return new Dims(image.size(0), image.size(1), image.size(2), image.size(3), nOut, out.size(2), out.size(3), g);
    }

    /** Images per workspace chunk, for {@code floatsPerImage} workspace floats per image; at least one. */
    private int chunk(Dims s, long floatsPerImage) {
        long fit = workspaceBytes / Math.max(1, floatsPerImage * Float.BYTES);
        return (int) Math.max(1, Math.min(s.batch(), fit));
    }

    // ---- tensors in, device steps out ---------------------------------------------------------------

    void forward(Tensor input, Tensor weight, Tensor bias, ConvGeometry g, Tensor output) {
        CudaDevice d = CudaDevice.of(output);
        try (CudaDevice.Scope scope = d.enter()) {
            forward(new DeviceConvSteps(d), dims(input, weight.size(0), output, g), address(input), address(weight), addressOrNull(bias),
                    address(output));
        }
    }

    void backwardInput(Tensor gradOutput, Tensor weight, ConvGeometry g, Tensor gradInput) {
        CudaDevice d = CudaDevice.of(gradInput);
        try (CudaDevice.Scope scope = d.enter()) {
            backwardInput(new DeviceConvSteps(d), dims(gradInput, weight.size(0), gradOutput, g), address(gradOutput), address(weight),
                    address(gradInput));
        }
    }

    void accGradParameters(Tensor input, Tensor gradOutput, ConvGeometry g, Tensor gradWeight, Tensor gradBias) {
        CudaDevice d = CudaDevice.of(gradWeight);
        try (CudaDevice.Scope scope = d.enter()) {
            accGradParameters(new DeviceConvSteps(d), dims(input, gradWeight.size(0), gradOutput, g), address(input), address(gradOutput),
                    address(gradWeight), addressOrNull(gradBias));
        }
    }

    // ---- the algorithm on ConvSteps (bias and gradBias: 0 when absent) ------------------------------

    void forward(ConvSteps st, Dims s, long x, long w, long bias, long y) {
        float beta = 0f;
        if (bias != 0) {
            st.fillBiasPlanes(y, bias, s.batch(), s.out(), s.plane());
            beta = 1f;
        }
        int k = s.k(), plane = s.plane();
        if (s.pointwise()) {
            // y_b[O, plane] = W[O, C] · x_b[C, plane]
            st.stridedGemm(false, false, s.out(), plane, k, 1f, w, k, 0, x, plane, s.imageFloats(), beta, y, plane, s.outFloats(), s.batch());
            return;
        }
        int n = chunk(s, (long) k * plane);
        try (ConvSteps.Buffer cols = st.allocate((long) n * k * plane)) {
            for (int b0 = 0; b0 < s.batch(); b0 += n) {
                int nb = Math.min(n, s.batch() - b0);
                st.im2col(x + b0 * s.imageFloats() * Float.BYTES, cols.address(), nb, s.ch(), s.h(), s.w(), s.g(), s.oh(), s.ow());
                // y_b[O, plane] = W[O, K] · cols_b[K, plane]; cols_b: columns [b·plane, (b+1)·plane) of cols [K, nb·plane]
                st.stridedGemm(false, false, s.out(), plane, k, 1f, w, k, 0,
                        cols.address(), Math.toIntExact((long) nb * plane), plane,
                        beta, y + b0 * s.outFloats() * Float.BYTES, plane, s.outFloats(), nb);
            }
        }
    }

    void backwardInput(ConvSteps st, Dims s, long go, long w, long gi) {
        int k = s.k(), plane = s.plane();
        if (s.pointwise()) {
            // gi_b[C, plane] = W[O, C]^T · go_b[O, plane]
            st.stridedGemm(true, false, k, plane, s.out(), 1f, w, k, 0, go, plane, s.outFloats(), 0f, gi, plane, s.imageFloats(), s.batch());
            return;
        }
        int n = chunk(s, (long) k * plane);
        try (ConvSteps.Buffer gcols = st.allocate((long) n * k * plane)) {
            for (int b0 = 0; b0 < s.batch(); b0 += n) {
                int nb = Math.min(n, s.batch() - b0);
                // gcols_b[K, plane] = W[O, K]^T · go_b[O, plane], into columns [b·plane, (b+1)·plane) of gcols [K, nb·plane]
                st.stridedGemm(true, false, k, plane, s.out(), 1f, w, k, 0,
                        go + b0 * s.outFloats() * Float.BYTES, plane, s.outFloats(),
                        0f, gcols.address(), Math.toIntExact((long) nb * plane), plane, nb);
                st.col2im(gcols.address(), gi + b0 * s.imageFloats() * Float.BYTES, nb, s.ch(), s.h(), s.w(), s.g(), s.oh(), s.ow());
            }
        }
    }

    void accGradParameters(ConvSteps st, Dims s, long x, long go, long gw, long gb) {
        int k = s.k(), plane = s.plane();
        int n = chunk(s, (long) (k + s.out()) * plane);
        try (ConvSteps.Buffer cols = st.allocate((long) n * k * plane);
             ConvSteps.Buffer goCols = st.allocate((long) n * s.out() * plane)) {
            for (int b0 = 0; b0 < s.batch(); b0 += n) {
                int nb = Math.min(n, s.batch() - b0);
                int ncol = Math.toIntExact((long) nb * plane);
                st.im2col(x + b0 * s.imageFloats() * Float.BYTES, cols.address(), nb, s.ch(), s.h(), s.w(), s.g(), s.oh(), s.ow());
                st.batchToColumns(go + b0 * s.outFloats() * Float.BYTES, goCols.address(), nb, s.out(), plane);
                // gW[O, K] += goCols[O, nb·plane] · cols[K, nb·plane]^T
                st.gemm(false, true, s.out(), k, ncol, 1f, goCols.address(), ncol, cols.address(), ncol, 1f, gw, k);
            }
        }
        if (gb != 0) {
            st.addPlaneSums(go, s.batch(), s.out(), plane, gb);
        }
    }
}
