package dev.kindling.core.backend.cpu;

import dev.kindling.core.backend.HsmTables;
import dev.kindling.core.backend.ThreadTrainer;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;

/**
 * The CPU HSM's trainer for one Hogwild thread. Every example writes all C rows of the cluster layer, so threads
 * updating one shared cluster layer pass its cache lines back and forth on every example and stop scaling past
 * one thread. This trainer trains its own copy of the cluster layer instead, with the exact step (so the thread
 * sees its own updates at once), and every {@code publishEvery} examples adds what its copy gained since the last
 * publish (copy − snapshot) to the shared layer, then restarts from the shared values, which by then hold the
 * other threads' published work too. Another thread's cluster updates thus reach it at most {@code publishEvery}
 * of its own examples plus one of the other thread's publish periods late: bounded staleness, as in Hogwild. The
 * class layer, where threads rarely meet (they train different target clusters), is updated in place as by
 * {@link CpuHsm#trainStep}.
 *
 * <p>A single trainer therefore does exact SGD whatever the period (up to float rounding of the publish). Publishes
 * into one shared layer are serialized, so no thread's additions are lost to another's read-modify-write; the
 * last ones happen at {@link #flush}.
 */
final class ClusterReplicaTrainer implements ThreadTrainer {

    private final CpuHsm hsm;
    private final CpuKernels k;
    private final HsmTables t;
    private final int publishEvery;
    private final int weightCount;
    private final MemorySegment weight, bias, weightAtPublish, biasAtPublish;
    private final float[] clusterScratch, memberScratch;
    private int pending;

    ClusterReplicaTrainer(CpuHsm hsm, CpuKernels kernels, HsmTables t, int publishEvery) {
        this.hsm = hsm;
        this.k = kernels;
        this.t = t;
        this.publishEvery = ThreadTrainer.requirePublishEvery(publishEvery);
        long count = (long) t.clusters() * t.dim();
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("an HSM cluster layer of " + t.clusters() + " × " + t.dim()
                    + " floats is too large for a per-thread copy (at most " + Integer.MAX_VALUE + ")");
        }
        this.weightCount = (int) count;
        this.weight = MemorySegment.ofArray(new float[weightCount]);
        this.bias = MemorySegment.ofArray(new float[t.clusters()]);
        this.weightAtPublish = MemorySegment.ofArray(new float[weightCount]);
        this.biasAtPublish = MemorySegment.ofArray(new float[t.clusters()]);
        int scratch = Math.max(1, CpuHsm.bufferSize(t));
        this.clusterScratch = new float[scratch];
        this.memberScratch = new float[scratch];
        synchronized (publishLock()) {
            pull();
        }
    }

    @Override
    public void step(Tensor input, IndexTensor targets, float lr, Tensor gradInput, Tensor lossOut) {
        for (int b = 0; b < targets.numel(); b++) {
            hsm.trainExample(t, weight, 0, bias, 0, input, b, targets.get(b), lr, gradInput, lossOut, clusterScratch, memberScratch);
            if (++pending >= publishEvery) {
                publish();
            }
        }
    }

    @Override
    public void flush() {
        if (pending > 0) {
            publish();
        }
    }

    /** shared += copy − snapshot; then copy = snapshot = shared. */
    private void publish() {
        k.axpy(-1f, weightAtPublish, 0, weight, 0, weightCount);
        k.axpy(-1f, biasAtPublish, 0, bias, 0, t.clusters());
        Tensor w = t.clusterWeight(), b = t.clusterBias();
        synchronized (publishLock()) {
            k.axpy(1f, weight, 0, w.segment(), w.offset(), weightCount);
            k.axpy(1f, bias, 0, b.segment(), b.offset(), t.clusters());
            pull();
        }
        pending = 0;
    }

    /** copy = snapshot = shared cluster layer. */
    private void pull() {
        Tensor w = t.clusterWeight(), b = t.clusterBias();
        long wBytes = (long) weightCount * Float.BYTES, bBytes = (long) t.clusters() * Float.BYTES;
        MemorySegment.copy(w.segment(), w.offset() * Float.BYTES, weight, 0, wBytes);
        MemorySegment.copy(b.segment(), b.offset() * Float.BYTES, bias, 0, bBytes);
        MemorySegment.copy(weight, 0, weightAtPublish, 0, wBytes);
        MemorySegment.copy(bias, 0, biasAtPublish, 0, bBytes);
    }

    /** Trainers over the same shared cluster layer take turns to publish into it. */
    private Object publishLock() {
        return t.clusterWeight();
    }
}
