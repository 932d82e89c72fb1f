package dev.kindling.core.serving;

import dev.kindling.core.serving.model.RowCache;
import dev.kindling.core.tensor.Tensor;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** A plain row cache for engine tests: immutable row copies in a map, refreshed as the model reports updates. */
public final class MapRowCache implements RowCache {

    private final Supplier<Tensor> table;
    private final Map<Integer, float[]> rows = new ConcurrentHashMap<>();

    public MapRowCache(Supplier<Tensor> table) {
        this.table = table;
    }

    public int size() {
        return rows.size();
    }

    @Override
    public void mean(int[] ids, float[] out) {
        Arrays.fill(out, 0f);
        for (int id : ids) {
            float[] r = rows.computeIfAbsent(id, this::load);
            for (int j = 0; j < out.length; j++) {
                out[j] += r[j];
            }
        }
        if (ids.length > 0) {
            float inv = 1f / ids.length;   // as the classifier's own mean: the same bits from the cache and the table
            for (int j = 0; j < out.length; j++) {
                out[j] *= inv;
            }
        }
    }

    @Override
    public void rowsUpdated(int[] ids) {
        for (int id : ids) {
            rows.computeIfPresent(id, (k, old) -> load(k));
        }
    }

    @Override
    public void invalidateAll() {
        rows.clear();
    }

    private float[] load(int id) {
        return table.get().select(id).toArray();
    }
}
