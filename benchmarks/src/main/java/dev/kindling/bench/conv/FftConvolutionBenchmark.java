package dev.kindling.bench.conv;

import dev.kindling.core.nn.conv.AutoSpatialConvolution;
import dev.kindling.core.nn.conv.ConvAlgorithmTuner;
import dev.kindling.core.nn.conv.SpatialConvolution;
import dev.kindling.core.nn.conv.SpatialConvolutionFFT;
import dev.kindling.core.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * FFT vs direct (im2col + GEMM) spatial convolution, forward + backward (gradInput and gradWeight),
 * batch 16, 32 → 64 planes, square kernels 3–13 on 32×32 and 64×64 maps, no padding. Setup also runs
 * the automatic per-shape choice once and prints what it picked and the times it measured, so each row
 * can be checked against the JMH scores of the two candidates.
 *
 * <p>{@code fft} is a training step as a module runs it (train mode: the forward's input and weight
 * spectra are kept for backward, 6 batched transforms); {@code fftStateless} is the same module in eval
 * mode, where forward and backward are independent stateless calls (8 transforms), as every training step
 * ran before the workspace existed.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar FftConvolutionBenchmark -f 1 -wi 2 -i 3}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2)
@Measurement(iterations = 3)
public class FftConvolutionBenchmark {

    @Param({"32", "64"})
    public int size;

    @Param({"3", "5", "7", "9", "11", "13"})
    public int kernel;

    private static final int BATCH = 16, IN = 32, OUT = 64;

    private SpatialConvolution direct;
    private SpatialConvolutionFFT fft;
    private SpatialConvolutionFFT fftStateless;
    private Tensor input;
    private Tensor gradOutput;

    @Setup(Level.Trial)
    public void setUp() {
        Random rng = new Random(1);
        direct = new SpatialConvolution(IN, OUT, kernel, kernel, 1, 1, 0, 0, new Random(2));
        fft = new SpatialConvolutionFFT(IN, OUT, kernel, kernel, 0, 0, new Random(2));
        fftStateless = new SpatialConvolutionFFT(IN, OUT, kernel, kernel, 0, 0, new Random(2));
        fftStateless.eval();
        input = Tensor.randn(rng, 1f, BATCH, IN, size, size);
        int o = size - kernel + 1;
        gradOutput = Tensor.randn(rng, 1f, BATCH, OUT, o, o);
        AutoSpatialConvolution auto = new AutoSpatialConvolution(IN, OUT, kernel, kernel, 1, 1, 0, 0, new Random(2));
        ConvAlgorithmTuner.Choice c = auto.choice(input);
        System.out.printf("%nAUTO size=%d kernel=%d picked %s (tuner best: direct %.1f ms, fft %.1f ms)%n",
                size, kernel, c.algorithm(), c.directNanos() / 1e6, c.fftNanos() / 1e6);
    }

    @Benchmark
    public Tensor direct() {
        direct.forward(input);
        return direct.backward(input, gradOutput);
    }

    @Benchmark
    public Tensor fft() {
        fft.forward(input);
        return fft.backward(input, gradOutput);
    }

    @Benchmark
    public Tensor fftStateless() {
        fftStateless.forward(input);
        return fftStateless.backward(input, gradOutput);
    }
}
