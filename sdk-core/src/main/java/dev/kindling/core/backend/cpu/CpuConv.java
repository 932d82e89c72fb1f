package dev.kindling.core.backend.cpu;

import dev.kindling.core.backend.BlasOps;
import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.backend.ConvOps;
import dev.kindling.core.backend.FftConvWorkspace;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.stream.IntStream;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * {@link ConvOps} on host memory. Direct convolutions unfold the input (temporal: each output step's
 * kW input frames are contiguous, so the unfold is one row copy; spatial: im2col) and hand the work to
 * the BLAS GEMM. FFT convolutions are delegated to {@link CpuFftConv}.
 */
final class CpuConv implements ConvOps {

    private final BlasOps blas;
    private final CpuKernels kernels;
    private final CpuFftConv fft;

    CpuConv(BlasOps blas, CpuKernels kernels) {
        this.blas = blas;
        this.kernels = kernels;
        this.fft = new CpuFftConv(SpectralKernels.preferred());
    }

    // ---- temporal ------------------------------------------------------------------------------

    /** [B·T', kW·in]: row (b, p) is the kW·in contiguous input values starting at frame p·dW of sequence b. */
    private static Tensor unfoldTemporal(Tensor input, int kW, int dW, int steps) {
        int batch = input.size(0), t = input.size(1), in = input.size(2);
        int k = kW * in;
        float[] cols = new float[Math.multiplyExact(batch * steps, k)];
        MemorySegment x = input.segment();
        for (int b = 0; b < batch; b++) {
            for (int p = 0; p < steps; p++) {
                long from = input.offset() + ((long) b * t + (long) p * dW) * in;
                MemorySegment.copy(x, JAVA_FLOAT, from * Float.BYTES, cols, (b * steps + p) * k, k);
            }
        }
        return Tensor.wrap(cols, batch * steps, k);
    }

    @Override
    public void temporalForward(Tensor input, Tensor weight, Tensor bias, int dW, Tensor output) {
        int out = weight.size(0), kW = weight.size(1), in = weight.size(2);
        int rows = output.size(0) * output.size(1);
        Tensor cols = unfoldTemporal(input, kW, dW, output.size(1));
        blas.gemm(false, true, rows, out, kW * in, 1f, cols, 0, kW * in, weight, 0, kW * in, 0f, output, 0, out);
        if (bias != null) {
            blas.addRowVector(output.view(rows, out), bias);
        }
    }

    @Override
    public void temporalBackwardInput(Tensor gradOutput, Tensor weight, int dW, Tensor gradInput) {
        int out = weight.size(0), kW = weight.size(1), in = weight.size(2);
        int batch = gradOutput.size(0), steps = gradOutput.size(1), t = gradInput.size(1);
        int k = kW * in;
        Tensor gcols = Tensor.zeros(batch * steps, k);
        blas.gemm(false, false, batch * steps, k, out, 1f, gradOutput, 0, out, weight, 0, k, 0f, gcols, 0, k);
        blas.fill(gradInput, 0f);
        MemorySegment g = gcols.segment(), gi = gradInput.segment();
        for (int b = 0; b < batch; b++) {
            for (int p = 0; p < steps; p++) {
                long to = gradInput.offset() + ((long) b * t + (long) p * dW) * in;
                kernels.axpy(1f, g, gcols.offset() + (long) (b * steps + p) * k, gi, to, k);
            }
        }
    }

    @Override
    public void temporalAccGradParameters(Tensor input, Tensor gradOutput, int dW, Tensor gradWeight, Tensor gradBias) {
        int out = gradWeight.size(0), kW = gradWeight.size(1), in = gradWeight.size(2);
        int rows = gradOutput.size(0) * gradOutput.size(1);
        Tensor cols = unfoldTemporal(input, kW, dW, gradOutput.size(1));
        blas.gemm(true, false, out, kW * in, rows, 1f, gradOutput, 0, out, cols, 0, kW * in, 1f, gradWeight, 0, kW * in);
        if (gradBias != null) {
            blas.sumRows(1f, gradOutput.view(rows, out), gradBias);
        }
    }

    // ---- spatial, direct -----------------------------------------------------------------------

    /** Unfolds image {@code b} into cols [C·kH·kW, outH·outW] (zeros where the window is in the padding). */
    private static void im2col(MemorySegment x, long imageOff, int ch, int h, int w, ConvGeometry g, int oh, int ow, float[] cols) {
        int plane = oh * ow;
        for (int c = 0; c < ch; c++) {
            for (int ki = 0; ki < g.kH(); ki++) {
                for (int kj = 0; kj < g.kW(); kj++) {
                    int row = ((c * g.kH() + ki) * g.kW() + kj) * plane;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * g.dH() - g.padH() + ki;
                        int at = row + oy * ow;
                        if (iy < 0 || iy >= h) {
                            java.util.Arrays.fill(cols, at, at + ow, 0f);
                            continue;
                        }
                        long src = imageOff + ((long) c * h + iy) * w;
                        for (int ox = 0; ox < ow; ox++) {
                            int ix = ox * g.dW() - g.padW() + kj;
                            cols[at + ox] = ix < 0 || ix >= w ? 0f : x.getAtIndex(JAVA_FLOAT, src + ix);
                        }
                    }
                }
            }
        }
    }

    /** Adds cols [C·kH·kW, outH·outW] back into image {@code b} of gradInput (the adjoint of im2col). */
    private static void col2imAdd(float[] cols, int ch, int h, int w, ConvGeometry g, int oh, int ow, MemorySegment gi, long imageOff) {
        int plane = oh * ow;
        for (int c = 0; c < ch; c++) {
            for (int ki = 0; ki < g.kH(); ki++) {
                for (int kj = 0; kj < g.kW(); kj++) {
                    int row = ((c * g.kH() + ki) * g.kW() + kj) * plane;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * g.dH() - g.padH() + ki;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        long dst = imageOff + ((long) c * h + iy) * w;
                        int at = row + oy * ow;
                        for (int ox = 0; ox < ow; ox++) {
                            int ix = ox * g.dW() - g.padW() + kj;
                            if (ix >= 0 && ix < w) {
                                gi.setAtIndex(JAVA_FLOAT, dst + ix, gi.getAtIndex(JAVA_FLOAT, dst + ix) + cols[at + ox]);
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public void spatialForward(Tensor input, Tensor weight, Tensor bias, ConvGeometry g, Tensor output) {
        int batch = input.size(0), ch = input.size(1), h = input.size(2), w = input.size(3);
        int nOut = weight.size(0), oh = output.size(2), ow = output.size(3);
        int k = ch * g.kH() * g.kW(), plane = oh * ow;
        MemorySegment x = input.segment(), y = output.segment();
        images(batch).forEach(b -> {
            float[] cols = new float[Math.multiplyExact(k, plane)];
            im2col(x, input.offset() + (long) b * ch * h * w, ch, h, w, g, oh, ow, cols);
            long outOff = (long) b * nOut * plane;
            blas.gemm(false, false, nOut, plane, k, 1f, weight, 0, k, Tensor.wrap(cols, k, plane), 0, plane, 0f, output, outOff, plane);
            if (bias != null) {
                for (int o = 0; o < nOut; o++) {
                    float bv = bias.getFlat(o);
                    long base = output.offset() + outOff + (long) o * plane;
                    for (int q = 0; q < plane; q++) {
                        y.setAtIndex(JAVA_FLOAT, base + q, y.getAtIndex(JAVA_FLOAT, base + q) + bv);
                    }
                }
            }
        });
    }

    @Override
    public void spatialBackwardInput(Tensor gradOutput, Tensor weight, ConvGeometry g, Tensor gradInput) {
        int batch = gradInput.size(0), ch = gradInput.size(1), h = gradInput.size(2), w = gradInput.size(3);
        int nOut = weight.size(0), oh = gradOutput.size(2), ow = gradOutput.size(3);
        int k = ch * g.kH() * g.kW(), plane = oh * ow;
        blas.fill(gradInput, 0f);
        MemorySegment gi = gradInput.segment();
        images(batch).forEach(b -> {
            float[] cols = new float[Math.multiplyExact(k, plane)];
            blas.gemm(true, false, k, plane, nOut, 1f, weight, 0, k, gradOutput, (long) b * nOut * plane, plane,
                    0f, Tensor.wrap(cols, k, plane), 0, plane);
            col2imAdd(cols, ch, h, w, g, oh, ow, gi, gradInput.offset() + (long) b * ch * h * w);
        });
    }

    @Override
    public void spatialAccGradParameters(Tensor input, Tensor gradOutput, ConvGeometry g, Tensor gradWeight, Tensor gradBias) {
        int batch = input.size(0), ch = input.size(1), h = input.size(2), w = input.size(3);
        int nOut = gradWeight.size(0), oh = gradOutput.size(2), ow = gradOutput.size(3);
        int k = ch * g.kH() * g.kW(), plane = oh * ow;
        float[] cols = new float[Math.multiplyExact(k, plane)];
        Tensor colT = Tensor.wrap(cols, k, plane);
        // Images run one after another: they all accumulate into the same gradWeight (the GEMM itself is parallel).
        for (int b = 0; b < batch; b++) {
            im2col(input.segment(), input.offset() + (long) b * ch * h * w, ch, h, w, g, oh, ow, cols);
            blas.gemm(false, true, nOut, k, plane, 1f, gradOutput, (long) b * nOut * plane, plane, colT, 0, plane, 1f, gradWeight, 0, k);
        }
        if (gradBias != null) {
            addBiasGradient(gradOutput, gradBias);
        }
    }

    /** gradBias[o] += Σ over batch and pixels of gradOutput[b, o, ...]. */
    static void addBiasGradient(Tensor gradOutput, Tensor gradBias) {
        int batch = gradOutput.size(0), nOut = gradOutput.size(1);
        int plane = (int) (gradOutput.numel() / ((long) batch * nOut));
        MemorySegment g = gradOutput.segment();
        for (int o = 0; o < nOut; o++) {
            double s = 0;
            for (int b = 0; b < batch; b++) {
                long base = gradOutput.offset() + ((long) b * nOut + o) * plane;
                for (int q = 0; q < plane; q++) {
                    s += g.getAtIndex(JAVA_FLOAT, base + q);
                }
            }
            gradBias.setFlat(o, (float) (gradBias.getFlat(o) + s));
        }
    }

    private static IntStream images(int batch) {
        IntStream s = IntStream.range(0, batch);
        return batch > 1 ? s.parallel() : s;
    }

    // ---- spatial, FFT --------------------------------------------------------------------------

    @Override
    public void fftSpatialForward(Tensor input, Tensor weight, Tensor bias, ConvGeometry g, Tensor output) {
        fft.forward(input, weight, bias, g, output);
    }

    @Override
    public void fftSpatialBackward(Tensor input, Tensor weight, Tensor gradOutput, ConvGeometry g,
                                   Tensor gradInput, Tensor gradWeight, Tensor gradBias) {
        fft.backward(input, weight, gradOutput, g, gradInput, gradWeight, gradBias);
    }

    @Override
    public FftConvWorkspace newFftWorkspace() {
        return fft.newWorkspace();
    }
}
