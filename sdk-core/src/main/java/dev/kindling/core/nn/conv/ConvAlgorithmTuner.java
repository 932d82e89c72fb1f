package dev.kindling.core.nn.conv;

import dev.kindling.core.backend.Backend;
import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.backend.ConvOps;
import dev.kindling.core.backend.FftConvWorkspace;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Tensor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Picks direct or FFT convolution per layer shape by timing both once and remembering the faster (as
 * fbnn's tuned SpatialConvolution did). The timed work is forward + both backward passes on the real
 * input and weights, writing into scratch gradients. Candidates run alternately up to three rounds and
 * the best time of each counts, which keeps JIT warm-up and noise from deciding; a clear winner (2×)
 * after two rounds ends the timing early. Clocks are read with the device drained before and after
 * ({@link Backend#synchronize}), so that asynchronous (GPU) work is timed, not just enqueued. Shared
 * by every layer in the JVM.
 */
public final class ConvAlgorithmTuner {

    /** The FFT is not tried when its spectra would need more floats than this. */
    private static final long MAX_SPECTRUM_FLOATS = 1L << 28;

    /** A layer shape: device type, batch, planes, input size, geometry. */
    public record Shape(String deviceType, int batch, int nIn, int nOut, int height, int width, ConvGeometry geometry) {
    }

    /** What was decided for a shape, with the measured best times (nanoseconds; 0 when not timed). */
    public record Choice(ConvAlgorithm algorithm, long directNanos, long fftNanos) {
    }

    private static final Map<Shape, Choice> CHOICES = new ConcurrentHashMap<>();

    private ConvAlgorithmTuner() {
    }

    /** The remembered choice for a shape, or null when it was never tuned. */
    public static Choice remembered(Shape shape) {
        return CHOICES.get(shape);
    }

    /** Forgets every remembered choice (tests, or after a hardware change). */
    public static void clear() {
        CHOICES.clear();
    }

    static Choice choose(Shape shape, Tensor input, Tensor weight, Tensor bias) {
        return CHOICES.computeIfAbsent(shape, s -> tune(s, input, weight, bias));
    }

    private static Choice tune(Shape s, Tensor input, Tensor weight, Tensor bias) {
        ConvGeometry g = s.geometry();
        if (!g.unitStride() || spectrumFloats(s) > MAX_SPECTRUM_FLOATS) {
            return new Choice(ConvAlgorithm.DIRECT, 0, 0);
        }
        Backend backend = input.backend();
        ConvOps ops = backend.conv();
        int oh = g.outHeight(s.height()), ow = g.outWidth(s.width());
        Tensor out = Tensor.zeros(input.device(), s.batch(), s.nOut(), oh, ow);
        // Random, not zeros: a device may take shortcuts on zeros, and timings must reflect real data.
        Tensor gradOut = Tensor.rand(new java.util.Random(oh * 31L + ow), -1f, 1f, s.batch(), s.nOut(), oh, ow).to(input.device());
        Tensor gradIn = input.zerosLike();
        Tensor gradW = weight.zerosLike();
        Tensor gradB = bias.zerosLike();
        Runnable direct = () -> {
            ops.spatialForward(input, weight, bias, g, out);
            ops.spatialBackwardInput(gradOut, weight, g, gradIn);
            ops.spatialAccGradParameters(input, gradOut, g, gradW, gradB);
        };
        // Timed as a training step runs it: through a workspace that keeps the forward's spectra.
        try (FftConvWorkspace workspace = ops.newFftWorkspace()) {
            Runnable fft = () -> {
                workspace.forward(input, weight, bias, g, out);
                workspace.backward(input, weight, gradOut, g, gradIn, gradW, gradB);
            };
            return race(backend, input.device(), direct, fft);
        }
    }

    /**
     * Times both candidates alternately, up to three rounds, keeping each one's best time; a 2× winner
     * after two rounds ends early. A backend without the FFT ops (UnsupportedOperationException) gets
     * DIRECT with an FFT time of 0.
     */
    static Choice race(Backend backend, Device device, Runnable direct, Runnable fft) {
        long bestDirect = Long.MAX_VALUE, bestFft = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            bestDirect = Math.min(bestDirect, time(backend, device, direct));
            try {
                bestFft = Math.min(bestFft, time(backend, device, fft));
            } catch (UnsupportedOperationException e) {
                return new Choice(ConvAlgorithm.DIRECT, bestDirect, 0);
            }
            if (round == 1 && (bestDirect > 2 * bestFft || bestFft > 2 * bestDirect)) {
                break;
            }
        }
        return new Choice(bestFft < bestDirect ? ConvAlgorithm.FFT : ConvAlgorithm.DIRECT, bestDirect, bestFft);
    }

    /**
     * Host time of {@code r} including the device work it enqueued: an asynchronous backend (the GPU's)
     * returns from an op before the op has run, so the device is drained before the first clock read
     * (earlier work is not billed to {@code r}) and before the second ({@code r}'s own work is). A no-op
     * for the CPU backend.
     */
    private static long time(Backend backend, Device device, Runnable r) {
        backend.synchronize(device);
        long t0 = System.nanoTime();
        r.run();
        backend.synchronize(device);
        return System.nanoTime() - t0;
    }

    /** Floats of the largest spectrum buffers the FFT path holds at once (a power-of-two grid per plane). */
    private static long spectrumFloats(Shape s) {
        ConvGeometry g = s.geometry();
        long h = Long.highestOneBit(Math.max(1, s.height() + 2L * g.padH() - 1)) << 1;
        long w = Long.highestOneBit(Math.max(1, s.width() + 2L * g.padW() - 1)) << 1;
        long plane = 2 * h * (w / 2 + 1);
        long planes = (long) s.batch() * s.nIn() + 2L * s.nOut() * s.nIn() + (long) s.batch() * s.nOut();
        return plane * planes;
    }

}
