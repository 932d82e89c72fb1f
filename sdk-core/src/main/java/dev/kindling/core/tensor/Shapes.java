package dev.kindling.core.tensor;

import java.util.Arrays;

/** Shape arithmetic and the checks every public entry point uses to reject bad shapes early. */
public final class Shapes {

    private Shapes() {
    }

    public static long numel(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public static String str(int... shape) {
        return Arrays.toString(shape);
    }

    /** Fails with a message naming {@code what} when the tensor's rank is not one of {@code ranks}. */
    public static void requireRank(String what, Tensor t, int... ranks) {
        for (int r : ranks) {
            if (t.dim() == r) {
                return;
            }
        }
        throw new IllegalArgumentException(what + " must have rank " + joinOr(ranks) + ", got shape " + str(t.shape()));
    }

    public static void requireShape(String what, Tensor t, int... expected) {
        if (!Arrays.equals(t.shape(), expected)) {
            throw new IllegalArgumentException(what + " must have shape " + str(expected) + ", got " + str(t.shape()));
        }
    }

    public static void requireSameShape(String what, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(what + ": shapes differ, " + str(a.shape()) + " vs " + str(b.shape()));
        }
    }

    public static void requireSameDevice(String what, Tensor a, Tensor b) {
        if (!a.device().equals(b.device())) {
            throw new IllegalArgumentException(what + ": tensors on different devices, " + a.device() + " vs " + b.device()
                    + "; move one with Tensor.to(device)");
        }
    }

    private static String joinOr(int... ranks) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ranks.length; i++) {
            if (i > 0) {
                sb.append(i == ranks.length - 1 ? " or " : ", ");
            }
            sb.append(ranks[i]);
        }
        return sb.toString();
    }
}
