package dev.kindling.core.testing;

import dev.kindling.core.nn.Module;
import dev.kindling.core.nn.Parameter;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finite-difference checks of a module's backward pass. The scalar checked is L = Σ output ⊙ R for a
 * fixed random R, accumulated in double; derivatives are central differences. Float32 tensors limit the
 * precision, so the default step is 1e-2 and errors are judged relative to the gradient's scale.
 */
public final class GradCheck {

    private GradCheck() {
    }

    public static final double DEFAULT_EPS = 1e-2;
    public static final double DEFAULT_TOL = 2e-2;

    /** Checks the input gradient and every parameter gradient of {@code module} at {@code input}. */
    public static void check(Module<Tensor> module, Tensor input, long seed) {
        check(module, input, seed, DEFAULT_EPS, DEFAULT_TOL);
    }

    public static void check(Module<Tensor> module, Tensor input, long seed, double eps, double tol) {
        checkParameters(module, input, seed, eps, tol);
        checkInput(module, input, seed, eps, tol);
    }

    /** Checks only the parameter gradients, for modules whose input has no gradient (ids, bags). */
    public static <I> void checkParameters(Module<I> module, I input, long seed) {
        checkParameters(module, input, seed, DEFAULT_EPS, DEFAULT_TOL);
    }

    public static <I> void checkParameters(Module<I> module, I input, long seed, double eps, double tol) {
        Random rng = new Random(seed);
        Tensor out = module.forward(input);
        Tensor r = Tensor.randn(rng, 1f, out.shape());
        module.zeroGradParameters();
        module.forward(input);
        module.backward(input, r);
        for (Parameter p : module.parameters()) {
            Tensor v = p.value();
            int probes = (int) Math.min(v.numel(), 40);
            double[] analytic = new double[probes];
            double[] numeric = new double[probes];
            for (int k = 0; k < probes; k++) {
                long idx = probes == v.numel() ? k : (long) (rng.nextDouble() * v.numel());
                analytic[k] = gradientAt(p, idx);
                float orig = v.getFlat(idx);
                v.setFlat(idx, (float) (orig + eps));
                double plus = weightedSum(module.forward(input), r);
                v.setFlat(idx, (float) (orig - eps));
                double minus = weightedSum(module.forward(input), r);
                v.setFlat(idx, orig);
                numeric[k] = (plus - minus) / (2 * eps);
            }
            assertClose("parameter " + p.name() + " of " + module, analytic, numeric, tol);
        }
    }

    private static void checkInput(Module<Tensor> module, Tensor input, long seed, double eps, double tol) {
        Random rng = new Random(seed + 1);
        Tensor out = module.forward(input);
        Tensor r = Tensor.randn(rng, 1f, out.shape());
        module.zeroGradParameters();
        module.forward(input);
        Tensor gradInput = module.backward(input, r);
        int probes = (int) Math.min(input.numel(), 60);
        double[] analytic = new double[probes];
        double[] numeric = new double[probes];
        for (int k = 0; k < probes; k++) {
            long idx = probes == input.numel() ? k : (long) (rng.nextDouble() * input.numel());
            analytic[k] = gradInput.getFlat(idx);
            float orig = input.getFlat(idx);
            input.setFlat(idx, (float) (orig + eps));
            double plus = weightedSum(module.forward(input), r);
            input.setFlat(idx, (float) (orig - eps));
            double minus = weightedSum(module.forward(input), r);
            input.setFlat(idx, orig);
            numeric[k] = (plus - minus) / (2 * eps);
        }
        assertClose("input gradient of " + module, analytic, numeric, tol);
    }

    /** The accumulated gradient of one element of {@code p}, dense or row-sparse (0 for untouched rows). */
    public static double gradientAt(Parameter p, long flatIndex) {
        double g = p.hasDenseGrad() ? p.grad().getFlat(flatIndex) : 0;
        RowSparse s = p.sparseGrad();
        if (s != null) {
            int dim = s.dim();
            int row = (int) (flatIndex / dim);
            int[] rows = s.rows().data();
            int at = java.util.Arrays.binarySearch(rows, row);
            if (at >= 0) {
                g += s.values().getFlat((long) at * dim + flatIndex % dim);
            }
        }
        return g;
    }

    /**
     * Checks {@code analytic}, the gradient of Σ forward(x) ⊙ r with respect to the first {@code probes}
     * elements of {@code x}, against central differences, for modules whose input is not a plain tensor (the
     * caller's {@code forward} wraps x).
     */
    public static void checkInputGradient(String what, java.util.function.Function<Tensor, Tensor> forward, Tensor x, Tensor analytic,
                                          Tensor r, int probes) {
        double[] a = new double[probes], numeric = new double[probes];
        for (int i = 0; i < probes; i++) {
            float orig = x.getFlat(i);
            x.setFlat(i, (float) (orig + DEFAULT_EPS));
            double plus = weightedSum(forward.apply(x), r);
            x.setFlat(i, (float) (orig - DEFAULT_EPS));
            double minus = weightedSum(forward.apply(x), r);
            x.setFlat(i, orig);
            numeric[i] = (plus - minus) / (2 * DEFAULT_EPS);
            a[i] = analytic.getFlat(i);
        }
        assertClose(what, a, numeric, DEFAULT_TOL);
    }

    /**
     * Asserts that every parameter of {@code stepped} equals the same-named parameter of {@code reference} after
     * one SGD step of size {@code lr} on the gradients {@code reference} accumulated (dense or row-sparse).
     */
    public static void assertSgdStep(Module<?> reference, Module<?> stepped, float lr, float tol) {
        java.util.Map<String, Parameter> got = stepped.namedParameters();
        reference.namedParameters().forEach((name, p) -> {
            float[] v = p.value().toArray();
            for (int i = 0; i < v.length; i++) {
                v[i] -= lr * (float) gradientAt(p, i);
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(v, got.get(name).value().toArray(), tol, name);
        });
    }

    public static double weightedSum(Tensor out, Tensor r) {
        float[] o = out.toArray();
        float[] w = r.toArray();
        double s = 0;
        for (int i = 0; i < o.length; i++) {
            s += (double) o[i] * w[i];
        }
        return s;
    }

    /** Fails unless |a − n| ≤ tol · max(1, max |n|) elementwise, printing the worst element. */
    public static void assertClose(String what, double[] analytic, double[] numeric, double tol) {
        double scale = 1;
        for (double v : numeric) {
            scale = Math.max(scale, Math.abs(v));
        }
        if (analytic.length == 0) {
            fail(what + ": nothing was probed");
        }
        double worst = 0;
        for (int i = 0; i < analytic.length; i++) {
            double e = Math.abs(analytic[i] - numeric[i]) / scale;
            worst = Double.isNaN(e) ? Double.POSITIVE_INFINITY : Math.max(worst, e);
        }
        double worstErr = worst;
        assertTrue(worstErr <= tol, () -> what + ": analytic and numeric gradients differ; worst relative error " + worstErr
                + " (tolerance " + tol + ")");
    }
}
