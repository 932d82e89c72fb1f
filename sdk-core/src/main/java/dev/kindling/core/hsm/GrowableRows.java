package dev.kindling.core.hsm;

import dev.kindling.core.tensor.Tensor;

/** Row storage for output layers whose class count grows while they serve. */
final class GrowableRows {

    private GrowableRows() {
    }

    /**
     * The store itself when it has the rows, otherwise a copy with room for twice as many rows (amortized
     * growth: adding one class at a time copies each row O(1) times on average).
     */
    static Tensor ensureRows(Tensor store, int rows) {
        if (store.size(0) >= rows) {
            return store;
        }
        int[] shape = store.shape();
        shape[0] = (int) Math.min(Integer.MAX_VALUE - 8, Math.max((long) rows, 2L * store.size(0)));
        Tensor bigger = Tensor.zeros(store.device(), shape);
        bigger.narrow(0, store.size(0)).copyFrom(store);
        return bigger;
    }
}
