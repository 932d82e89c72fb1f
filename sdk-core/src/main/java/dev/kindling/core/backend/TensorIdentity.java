package dev.kindling.core.backend;

import dev.kindling.core.tensor.Storage;
import dev.kindling.core.tensor.Tensor;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Which tensor a cached result was computed from: the same storage object, offset and shape. Two views
 * of the same memory with the same shape are the same tensor here; a tensor written in place is not
 * detected (see {@link FftConvWorkspace} for the contract that makes this enough).
 */
public record TensorIdentity(Storage storage, long offset, List<Integer> shape) {

    public static TensorIdentity of(Tensor t) {
        return new TensorIdentity(t.storage(), t.offset(), IntStream.of(t.shape()).boxed().toList());
    }

    /** True when {@code t} is the tensor this identity was taken from (storages compare by identity). */
    public boolean matches(Tensor t) {
        if (t.storage() != storage || t.offset() != offset || t.dim() != shape.size()) {
            return false;
        }
        for (int d = 0; d < shape.size(); d++) {
            if (t.size(d) != shape.get(d)) {
                return false;
            }
        }
        return true;
    }
}
