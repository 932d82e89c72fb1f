package dev.kindling.core.text;

import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * A new table in native memory with values uniform in ±bound, drawn in parallel: a table of two million buckets by 100 values is
 * 200 million draws, seconds from one shared generator. Each block of rows draws from its own generator,
 * split from the seed by the block's index, so the values depend on the seed alone, not on the thread count.
 */
final class UniformRows {

    private static final long BLOCK = 1 << 16;

    private UniformRows() {
    }

    static Tensor table(int rows, int dim, float bound, long seed) {
        // In native memory: a table of hundreds of megabytes on the Java heap also sizes the heap, and with it the
        // collector's headroom, to the table; outside it, the process needs little more than the table itself.
        Tensor t = Tensor.offHeap(rows, dim);
        MemorySegment s = t.segment();
        long n = (long) rows * dim, off = t.offset();
        LongStream.range(0, (n + BLOCK - 1) / BLOCK).parallel().forEach(b -> {
            SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + b);
            float[] v = new float[(int) Math.min(BLOCK, n - b * BLOCK)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
            }
            MemorySegment.copy(v, 0, s, JAVA_FLOAT, (off + b * BLOCK) * Float.BYTES, v.length);
        });
        return t;
    }
}
