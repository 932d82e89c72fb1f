package dev.kindling.cuda.ops;

import dev.kindling.cuda.memory.DeviceBlock;
import dev.kindling.cuda.runtime.CudaDevice;
import dev.kindling.cuda.runtime.KernelArgs;

/**
 * Device-wide primitives on int arrays: exclusive prefix sums, and a stable LSD radix sort of (key,
 * value) pairs, 8 bits per pass, passes only for the bits the keys use. Stability is what makes the
 * embedding backward deterministic: equal ids keep their positions' order. Public for the GPU benchmark
 * in {@code benchmarks/}, which times them apart from the embedding backward.
 */
public final class DeviceSort {

    private static final int SCAN_TILE = 1024;
    private static final int SORT_TILE = 256;

    private DeviceSort() {
    }

    /** In place: a[i] = a[0] + … + a[i − 1] for n ints at device address a. */
    public static void exclusiveScan(CudaDevice d, long a, long n) {
        if (n == 0) {
            return;
        }
        long blocks = (n + SCAN_TILE - 1) / SCAN_TILE;
        try (DeviceBlock sums = d.allocate(blocks * Integer.BYTES)) {
            d.launch(d.kernel("embedding", "scan_blocks"), (int) blocks, 256, KernelArgs.of().ptr(a).ptr(a).l(n).ptr(sums.address()));
            if (blocks > 1) {
                exclusiveScan(d, sums.address(), blocks);
                d.launch(d.kernel("embedding", "scan_add"), (int) blocks, 256, KernelArgs.of().ptr(a).l(n).ptr(sums.address()));
            }
        }
    }

    /** Bits needed for keys in [0, maxKey]. */
    public static int bitsFor(long maxKey) {
        return Math.max(1, 64 - Long.numberOfLeadingZeros(maxKey));
    }

    /**
     * Sorts n (key, value) pairs by the low {@code bits} bits of the keys, stably. The data moves between
     * the two buffer pairs; returns true when the result ends in the alternate pair.
     */
    public static boolean sortPairs(CudaDevice d, long keys, long vals, long keysAlt, long valsAlt, long n, int bits) {
        if (n <= 1) {
            return false;
        }
        int tiles = (int) ((n + SORT_TILE - 1) / SORT_TILE);
        boolean alt = false;
        try (DeviceBlock hist = d.allocate(256L * tiles * Integer.BYTES)) {
            for (int shift = 0; shift < bits; shift += 8) {
                long kIn = alt ? keysAlt : keys, vIn = alt ? valsAlt : vals;
                long kOut = alt ? keys : keysAlt, vOut = alt ? vals : valsAlt;
                d.launch(d.kernel("embedding", "radix_histogram"), tiles, SORT_TILE,
                        KernelArgs.of().ptr(kIn).l(n).i(shift).ptr(hist.address()).i(tiles));
                exclusiveScan(d, hist.address(), 256L * tiles);
                d.launch(d.kernel("embedding", "radix_scatter"), tiles, SORT_TILE,
                        KernelArgs.of().ptr(kIn).ptr(vIn).l(n).i(shift).ptr(hist.address()).i(tiles).ptr(kOut).ptr(vOut));
                alt = !alt;
            }
        }
        return alt;
    }
}
