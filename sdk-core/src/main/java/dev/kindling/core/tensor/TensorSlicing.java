package dev.kindling.core.tensor;

import java.util.Arrays;
import java.util.List;

/**
 * Slices along any dimension and concatenation, between any devices. A tensor of shape
 * [outer…, size, inner…] is seen as outer blocks of {@code size × inner} contiguous elements, so a slice
 * or a concatenation is one contiguous copy per outer block (one copy in all for dimension 0).
 */
public final class TensorSlicing {

    private TensorSlicing() {
    }

    /** Checks that {@code dim} is a dimension of {@code t}, naming {@code what} otherwise. */
    public static void requireDimension(String what, Tensor t, int dim) {
        if (dim < 0 || dim >= t.dim()) {
            throw new IllegalArgumentException(what + ": dimension " + dim + " out of range for shape " + Shapes.str(t.shape())
                    + " (rank " + t.dim() + ")");
        }
    }

    /**
     * Elements [start, start + length) of {@code t} along {@code dim}, on {@code target}. May return a view
     * of {@code t} (dimension 0, same device); otherwise a fresh tensor.
     */
    public static Tensor slice(Tensor t, int dim, int start, int length, Device target) {
        requireDimension("slice", t, dim);
        int size = t.size(dim);
        if (start < 0 || length < 0 || start + length > size) {
            throw new IllegalArgumentException("slice [" + start + ", " + (start + length) + ") out of range for dimension " + dim
                    + " of " + Shapes.str(t.shape()));
        }
        long outer = outer(t.shape(), dim);
        long inner = inner(t.shape(), dim);
        int[] shape = t.shape();
        shape[dim] = length;
        if (outer == 1 || length == 0) {
            Tensor view = t.view(-1).narrow((int) (start * inner), (int) (length * inner)).view(shape);
            return view.to(target);
        }
        Tensor out = Tensor.zeros(target, shape);
        Tensor src = t.view((int) (outer * size), (int) inner);
        Tensor dst = out.view((int) (outer * length), (int) inner);
        for (int o = 0; o < outer; o++) {
            dst.narrow(o * length, length).copyFrom(src.narrow(o * size + start, length));
        }
        return out;
    }

    /** The tensors joined along {@code dim} on {@code target}; all other dimensions must agree. */
    public static Tensor concat(List<Tensor> parts, int dim, Device target) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("concat needs at least one tensor");
        }
        Tensor first = parts.get(0);
        requireDimension("concat", first, dim);
        int total = 0;
        for (Tensor p : parts) {
            if (p.dim() != first.dim()) {
                throw new IllegalArgumentException("concat along " + dim + ": ranks differ, " + Shapes.str(first.shape()) + " vs "
                        + Shapes.str(p.shape()));
            }
            for (int d = 0; d < first.dim(); d++) {
                if (d != dim && p.size(d) != first.size(d)) {
                    throw new IllegalArgumentException("concat along dimension " + dim + ": shapes " + Shapes.str(first.shape())
                            + " and " + Shapes.str(p.shape()) + " differ in dimension " + d);
                }
            }
            total += p.size(dim);
        }
        int[] shape = first.shape();
        shape[dim] = total;
        Tensor out = Tensor.zeros(target, shape);
        long outer = outer(shape, dim);
        long inner = inner(shape, dim);
        if (out.numel() == 0) {
            return out;
        }
        Tensor dst = out.view((int) (outer * total), (int) inner);
        int at = 0;
        for (Tensor p : parts) {
            int len = p.size(dim);
            if (len == 0) {
                continue;
            }
            Tensor src = p.view((int) (outer * len), (int) inner);
            if (outer == 1) {
                dst.narrow(at, len).copyFrom(src);
            } else {
                for (int o = 0; o < outer; o++) {
                    dst.narrow((int) (o * total + at), len).copyFrom(src.narrow(o * len, len));
                }
            }
            at += len;
        }
        return out;
    }

    /** Sizes of {@code n} near-equal parts of {@code total}: the first {@code total % n} parts get one more. */
    public static int[] evenSplit(int total, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("cannot split into " + n + " parts");
        }
        int[] s = new int[n];
        Arrays.fill(s, total / n);
        for (int i = 0; i < total % n; i++) {
            s[i]++;
        }
        return s;
    }

    public static long outer(int[] shape, int dim) {
        long o = 1;
        for (int d = 0; d < dim; d++) {
            o *= shape[d];
        }
        return o;
    }

    public static long inner(int[] shape, int dim) {
        long o = 1;
        for (int d = dim + 1; d < shape.length; d++) {
            o *= shape[d];
        }
        return o;
    }
}
