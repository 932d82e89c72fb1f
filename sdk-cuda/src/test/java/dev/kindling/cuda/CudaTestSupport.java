package dev.kindling.cuda;

import dev.kindling.core.backend.Backend;
import dev.kindling.core.backend.Backends;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.runtime.CudaDevice;
import org.junit.jupiter.api.BeforeAll;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Base of the tests that compare the CUDA backend with the CPU backend: skipped (JUnit assumption) where
 * no CUDA device is usable. Inputs are fresh random values (never zeros), outputs are filled with NaN
 * before a kernel writes them, and sizes are odd so that partial warps and blocks are exercised.
 */
public abstract class CudaTestSupport {

    protected static final Device GPU = Device.cuda(0);

    @BeforeAll
    protected static void requireCuda() {
        assumeTrue(Backends.isAvailable("cuda"), () -> "no usable CUDA device: " + Backends.unavailable().get("cuda"));
    }

    protected static Backend cpu() {
        return Backends.cpu();
    }

    protected static Backend cuda() {
        return Backends.forDevice(GPU);
    }

    protected static CudaBackend cudaBackend() {
        return (CudaBackend) cuda();
    }

    /** The runtime's device behind {@link #GPU}, for tests of the internals. */
    protected static CudaDevice gpuDevice() {
        return cudaBackend().device(GPU);
    }

    /** Uniform values in [-1, 1) with no exact zeros. */
    protected static Tensor rand(Random rng, int... shape) {
        Tensor t = Tensor.rand(rng, -1f, 1f, shape);
        for (long i = 0; i < t.numel(); i++) {
            if (t.getFlat(i) == 0f) {
                t.setFlat(i, 0.5f);
            }
        }
        return t;
    }

    protected static Tensor positive(Random rng, int... shape) {
        return Tensor.rand(rng, 0.1f, 2f, shape);
    }

    protected static Tensor gpu(Tensor cpu) {
        return cpu.to(GPU);
    }

    /** A GPU tensor full of NaN: a kernel that skips an element leaves a NaN behind. */
    protected static Tensor poisoned(int... shape) {
        Tensor t = Tensor.zeros(GPU, shape);
        cuda().blas().fill(t, Float.NaN);
        return t;
    }

    protected static Tensor poisonedCpu(int... shape) {
        Tensor t = Tensor.zeros(shape);
        cpu().blas().fill(t, Float.NaN);
        return t;
    }

    protected static void assertClose(String what, Tensor expected, Tensor actual, double rtol, double atol) {
        assertEquals(expected.numel(), actual.numel(), what + ": element counts");
        float[] e = expected.toArray(), a = actual.toArray();
        for (int i = 0; i < e.length; i++) {
            double tol = atol + rtol * Math.abs(e[i]);
            boolean ok = Float.isNaN(e[i]) ? Float.isNaN(a[i]) : Math.abs(e[i] - a[i]) <= tol;
            if (!ok) {
                fail(what + ": element " + i + " expected " + e[i] + " but was " + a[i] + " (tolerance " + tol + ")");
            }
        }
    }

    protected static void assertClose(String what, Tensor expected, Tensor actual) {
        assertClose(what, expected, actual, 1e-5, 1e-5);
    }

    protected static int[] randomIds(Random rng, int n, int limit) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = rng.nextInt(limit);
        }
        return ids;
    }
}
