package dev.kindling.spring.embedding;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.kindling.core.tensor.Tensor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Creates and keeps the row caches of embedding tables, configured by {@code kindling.embedding-cache},
 * and binds their statistics to Micrometer (hit ratio, evictions, size) when a registry is present.
 */
public final class EmbeddingCaches {

    private final EmbeddingCacheProperties properties;
    private final MeterRegistry meters;
    private final Map<String, CachedEmbeddingTable> tables = new ConcurrentHashMap<>();

    public EmbeddingCaches(EmbeddingCacheProperties properties, MeterRegistry meters) {
        if (properties.getSpec() == null && properties.getMaximumSize() < 0) {
            throw new IllegalArgumentException("kindling.embedding-cache.maximum-size must be >= 0, got " + properties.getMaximumSize());
        }
        this.properties = properties;
        this.meters = meters;
    }

    public boolean enabled() {
        return properties.isEnabled();
    }

    /** The cache of table {@code name}, created on first use. */
    public CachedEmbeddingTable forTable(String name, Supplier<Tensor> table) {
        return tables.computeIfAbsent(name, n -> {
            CachedEmbeddingTable t = new CachedEmbeddingTable(n, table, builder());
            if (meters != null) {
                CaffeineCacheMetrics.monitor(meters, t.cache(), "kindling.embedding-cache." + n);
            }
            return t;
        });
    }

    /** A fresh cache of model {@code name}'s input rows (the engine asks again after a swap: the old one is dropped). */
    public CachedEmbeddingTable forModel(String name, Supplier<Tensor> table) {
        remove(name);
        return forTable(name, table);
    }

    /** Drops the cache of {@code name} (e.g. when its model is swapped for a new checkpoint). */
    public void remove(String name) {
        CachedEmbeddingTable t = tables.remove(name);
        if (t != null) {
            t.invalidateAll();
        }
    }

    public Collection<CachedEmbeddingTable> all() {
        return tables.values();
    }

    private Caffeine<Object, Object> builder() {
        if (properties.getSpec() != null && !properties.getSpec().isBlank()) {
            return Caffeine.from(properties.getSpec());
        }
        Caffeine<Object, Object> b = Caffeine.newBuilder().maximumSize(properties.getMaximumSize());
        if (properties.getExpireAfterAccess() != null) {
            b = b.expireAfterAccess(properties.getExpireAfterAccess());
        }
        return b;
    }
}
