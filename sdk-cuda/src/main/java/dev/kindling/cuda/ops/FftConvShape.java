package dev.kindling.cuda.ops;

import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.tensor.Tensor;

/**
 * The sizes of one FFT convolution on the GPU: batch B, input planes C, output planes O, the input plane
 * H × W, the geometry, and the transform grid rows × cols. The grid covers the padded input (H + 2 padH)
 * × (W + 2 padW), which is enough for all three passes to be free of circular wrap-around (see
 * CpuFftConv); unlike the CPU's radix-2 FFT, cuFFT is fast on any size whose prime factors are 2, 3, 5
 * and 7, so the grid is the smallest such size, not the next power of two (128 + 2·6 padding is a 140
 * grid, not 256). Public for the GPU benchmark in {@code benchmarks/}, which names each case's grid.
 */
public record FftConvShape(int batch, int inPlanes, int outPlanes, int height, int width, ConvGeometry g, int rows, int cols) {

    public static FftConvShape of(Tensor input, Tensor weight, ConvGeometry g) {
        int h = input.size(2), w = input.size(3);
        return new FftConvShape(input.size(0), input.size(1), weight.size(0), h, w, g, fftSize(h + 2 * g.padH()), fftSize(w + 2 * g.padW()));
    }

    /** The smallest n' >= max(n, 2) with no prime factor above 7. */
    static int fftSize(int n) {
        for (int s = Math.max(n, 2); ; s++) {
            int r = s;
            for (int p : new int[]{2, 3, 5, 7}) {
                while (r % p == 0) {
                    r /= p;
                }
            }
            if (r == 1) {
                return s;
            }
        }
    }

    int outHeight() {
        return g.outHeight(height);
    }

    int outWidth() {
        return g.outWidth(width);
    }

    /** Complex values in one plane's half spectrum: rows × (cols/2 + 1). */
    int freqs() {
        return rows * (cols / 2 + 1);
    }

    long inputPlanes() {
        return (long) batch * inPlanes;
    }

    long weightPlanes() {
        return (long) outPlanes * inPlanes;
    }

    long outputPlanes() {
        return (long) batch * outPlanes;
    }

    /** Bytes of the spectra of {@code planes} planes (complex float pairs). */
    long spectrumBytes(long planes) {
        return Math.multiplyExact(planes * freqs(), 8L);
    }

    /** Bytes of {@code planes} real rows × cols planes. */
    long realBytes(long planes) {
        return Math.multiplyExact(planes * rows * cols, 4L);
    }
}
