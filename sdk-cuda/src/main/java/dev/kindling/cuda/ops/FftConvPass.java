package dev.kindling.cuda.ops;

import dev.kindling.cuda.bindings.CublasComplex;

/**
 * One pass of the FFT convolution as data: the per-frequency complex GEMM that combines two spectra
 * (cuBLAS conventions: column-major, m × n result of op(A) m × k times op(B) k × n, leading dimensions and
 * batch strides in complex elements, one matrix per frequency) and the window of the inverse transform
 * the pass keeps. {@link CudaFftConv} runs these; {@code FftConvPassTest} runs the same numbers on the CPU
 * with reference DFTs and GEMMs, so the index math is checked where no GPU is.
 *
 * <p>Spectra are [freq][plane]: for one frequency, the planes of a [P0][P1] tensor form a row-major
 * P0 × P1 matrix, which is column-major P1 × P0 with leading dimension P1. So with X = input spectra
 * [B][C], W = weight spectra [O][C], G = gradOutput spectra [B][O] (each stored as its transpose):
 * <pre>
 *   output     Y(b, o)  = Σ_c X(b, c) conj W(o, c)  →  Y^T (O × B)  = W^H · X^T       (A = W, OP_C; B = X, OP_N)
 *   gradInput  GI(b, c) = Σ_o G(b, o) W(o, c)       →  GI^T (C × B) = W^T · G^T       (A = W, OP_N; B = G, OP_N)
 *   gradWeight GW(o, c) = Σ_b conj G(b, o) X(b, c)  →  GW^T (C × O) = X^T · conj(G)   (A = X, OP_N; B = G, OP_C)
 * </pre>
 *
 * @param resultPlanes planes of the result (its batch stride is resultPlanes; its leading dimension ldc)
 * @param r0 first row of the inverse transform kept, {@code nr} rows; likewise columns
 * @param bias whether the model bias is added (output pass only)
 * @param accumulate whether the window is added to the destination (gradWeight) instead of written
 */
record FftConvPass(String name, int opA, int opB, int m, int n, int k, Spectrum a, int lda, long strideA, Spectrum b, int ldb,
                   long strideB, int ldc, long resultPlanes, int r0, int nr, int c0, int nc, boolean bias, boolean accumulate) {

    /** The spectra a pass reads. */
    enum Spectrum { INPUT, WEIGHT, GRAD_OUTPUT }

    static FftConvPass output(FftConvShape s) {
        int nb = s.batch(), nc = s.inPlanes(), no = s.outPlanes();
        return new FftConvPass("output", CublasComplex.OP_C, CublasComplex.OP_N, no, nb, nc,
                Spectrum.WEIGHT, nc, s.weightPlanes(), Spectrum.INPUT, nc, s.inputPlanes(), no, s.outputPlanes(),
                0, s.outHeight(), 0, s.outWidth(), true, false);
    }

    static FftConvPass gradInput(FftConvShape s) {
        int nb = s.batch(), nc = s.inPlanes(), no = s.outPlanes();
        return new FftConvPass("gradInput", CublasComplex.OP_N, CublasComplex.OP_N, nc, nb, no,
                Spectrum.WEIGHT, nc, s.weightPlanes(), Spectrum.GRAD_OUTPUT, no, s.outputPlanes(), nc, s.inputPlanes(),
                s.g().padH(), s.height(), s.g().padW(), s.width(), false, false);
    }

    static FftConvPass gradWeight(FftConvShape s) {
        int nb = s.batch(), nc = s.inPlanes(), no = s.outPlanes();
        return new FftConvPass("gradWeight", CublasComplex.OP_N, CublasComplex.OP_C, nc, no, nb,
                Spectrum.INPUT, nc, s.inputPlanes(), Spectrum.GRAD_OUTPUT, no, s.outputPlanes(), nc, s.weightPlanes(),
                0, s.g().kH(), 0, s.g().kW(), false, true);
    }
}
