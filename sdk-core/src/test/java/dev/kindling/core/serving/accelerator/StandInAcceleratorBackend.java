package dev.kindling.core.serving.accelerator;

import dev.kindling.core.backend.Backend;
import dev.kindling.core.backend.Backends;
import dev.kindling.core.backend.BlasOps;
import dev.kindling.core.backend.ElementwiseOps;
import dev.kindling.core.backend.EmbeddingOps;
import dev.kindling.core.backend.HsmOps;
import dev.kindling.core.backend.OptimOps;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Storage;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in accelerator for engine tests without a GPU: device type {@code standin}, memory that is host memory,
 * every op the CPU backend's. It joins a JVM only with {@code -Dkindling.test.standin=true} (so other tests never see
 * it) and fails every embedding-bag call from the n-th on with {@code -Dkindling.test.standin.fail-after=n}: what a
 * GPU's fault looks like to the serving engine.
 */
public final class StandInAcceleratorBackend implements Backend {

    static final String TYPE = "standin";
    static final AtomicLong BAGS = new AtomicLong();

    @Override
    public String deviceType() {
        return TYPE;
    }

    @Override
    public Availability availability() {
        return Boolean.getBoolean("kindling.test.standin") ? Availability.yes() : Availability.no("a test backend, off unless -Dkindling.test.standin=true");
    }

    @Override
    public Storage allocate(Device device, long elements) {
        return new StandInStorage(device, elements);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        MemorySegment.copy(src.segment(), src.offset() * Float.BYTES, dst.segment(), dst.offset() * Float.BYTES, src.numel() * Float.BYTES);
    }

    @Override
    public void copyFromHost(MemorySegment src, long srcOffset, Tensor dst) {
        MemorySegment.copy(src, srcOffset * Float.BYTES, dst.segment(), dst.offset() * Float.BYTES, dst.numel() * Float.BYTES);
    }

    @Override
    public void copyToHost(Tensor src, MemorySegment dst, long dstOffset) {
        MemorySegment.copy(src.segment(), src.offset() * Float.BYTES, dst, dstOffset * Float.BYTES, src.numel() * Float.BYTES);
    }

    @Override
    public long countNonFinite(Tensor t) {
        return cpu().countNonFinite(t);
    }

    @Override
    public BlasOps blas() {
        return cpu().blas();
    }

    @Override
    public ElementwiseOps elementwise() {
        return cpu().elementwise();
    }

    @Override
    public EmbeddingOps embedding() {
        EmbeddingOps ops = cpu().embedding();
        long failAfter = Long.getLong("kindling.test.standin.fail-after", Long.MAX_VALUE);
        // Bags are what a replica's prediction computes first: the place to inject the device's fault.
        return (EmbeddingOps) Proxy.newProxyInstance(EmbeddingOps.class.getClassLoader(), new Class<?>[]{EmbeddingOps.class}, (p, m, args) -> {
            if (m.getName().equals("embeddingBag") && BAGS.incrementAndGet() >= failAfter) {
                throw new IllegalStateException("stand-in accelerator fault (injected)");
            }
            try {
                return m.invoke(ops, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @Override
    public OptimOps optim() {
        return cpu().optim();
    }

    @Override
    public HsmOps hsm() {
        return cpu().hsm();
    }

    private static Backend cpu() {
        return Backends.cpu();
    }
}
