package dev.kindling.spring.embedding;

import dev.kindling.core.serving.model.RowCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

import java.util.function.Supplier;

/**
 * Hot rows of an embedding table, served from a Caffeine cache in front of the table itself (which may
 * be off-heap, memory-mapped from a checkpoint, or on a GPU). Each cached row is an immutable copy: an
 * update replaces it with a new array, so a reader never sees half of an old row and half of a new one.
 * Fine-tuning reports the rows it changed with {@link #rowsUpdated}, which refreshes the cached ones.
 */
public final class CachedEmbeddingTable implements RowCache {

    private final String name;
    private final Supplier<Tensor> table;
    private final Cache<Integer, float[]> cache;
    private final int dim;

    /**
     * @param table supplies the current table (it may be replaced, e.g. when it grows); rows are
     *              read from whatever it returns at load time
     */
    public CachedEmbeddingTable(String name, Supplier<Tensor> table, Caffeine<Object, Object> builder) {
        Tensor t = table.get();
        Shapes.requireRank("embedding table '" + name + "'", t, 2);
        this.name = name;
        this.table = table;
        this.dim = t.size(1);
        this.cache = builder.recordStats().build();
    }

    public String name() {
        return name;
    }

    public int dim() {
        return dim;
    }

    public Cache<Integer, float[]> cache() {
        return cache;
    }

    public CacheStats stats() {
        return cache.stats();
    }

    /** Row {@code id}; the returned array is shared and must not be modified. */
    public float[] row(int id) {
        return cache.get(id, this::load);
    }

    /** out[0..dim) = mean of the rows {@code ids} (zeros when there are none). */
    @Override
    public void mean(int[] ids, float[] out) {
        java.util.Arrays.fill(out, 0, dim, 0f);
        for (int id : ids) {
            float[] r = row(id);
            for (int j = 0; j < dim; j++) {
                out[j] += r[j];
            }
        }
        if (ids.length > 0) {
            float inv = 1f / ids.length;
            for (int j = 0; j < dim; j++) {
                out[j] *= inv;
            }
        }
    }

    /** Refreshes the cached copies of rows that fine-tuning changed (uncached rows stay uncached). */
    @Override
    public void rowsUpdated(int[] ids) {
        for (int id : ids) {
            cache.asMap().computeIfPresent(id, (k, old) -> load(k));
        }
    }

    @Override
    public void invalidateAll() {
        cache.invalidateAll();
    }

    private float[] load(int id) {
        Tensor t = table.get();
        if (id < 0 || id >= t.size(0)) {
            throw new IllegalArgumentException("embedding table '" + name + "' has no row " + id + " (rows: " + t.size(0) + ")");
        }
        Tensor row = t.select(id);
        return row.device().isCpu() ? row.toArray() : row.to(Device.CPU).toArray();
    }
}
