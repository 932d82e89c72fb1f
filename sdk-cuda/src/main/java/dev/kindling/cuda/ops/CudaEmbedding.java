package dev.kindling.cuda.ops;

import dev.kindling.core.backend.EmbeddingOps;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.memory.DeviceBlock;
import dev.kindling.cuda.runtime.CudaDevice;
import dev.kindling.cuda.runtime.KernelArgs;

import java.util.Arrays;

import static dev.kindling.cuda.runtime.CudaStorage.address;
import static dev.kindling.cuda.runtime.CudaStorage.addressOrNull;

/**
 * {@link EmbeddingOps} on the GPU. The backward passes sort (id, position) pairs on the device with a
 * stable radix sort, find the runs of equal ids with a prefix sum, and reduce each run with one block in
 * position order: deterministic, and no atomics on duplicate ids (fbcunn's approach). Only the distinct
 * ids come back to the host, as the row list of the {@link RowSparse} result.
 */
final class CudaEmbedding implements EmbeddingOps {

    private static final int BLOCK = 256;


    @Override
    public void gatherRows(Tensor table, IndexTensor ids, Tensor out) {
        int dim = table.size(1);
        CudaDevice d = CudaDevice.of(table);
        try (CudaDevice.Scope s = d.enter(); DeviceBlock idBuf = d.upload(ids.data())) {
            long total = (long) ids.numel() * dim;
            d.launch(d.kernel("embedding", "gather_rows"), d.grid(total, BLOCK), BLOCK,
                    KernelArgs.of().ptr(address(table)).ptr(idBuf.address()).l(ids.numel()).i(dim).ptr(address(out)));
        }
    }

    @Override
    public void embeddingBag(Tensor table, IndexTensor ids, IndexTensor offsets, Tensor perIdWeights, boolean mean, int paddingId,
                             Tensor out) {
        int dim = table.size(1), bags = offsets.numel();
        if (bags == 0) {
            return;
        }
        CudaDevice d = CudaDevice.of(table);
        try (CudaDevice.Scope s = d.enter(); DeviceBlock idBuf = d.upload(ids.data()); DeviceBlock offBuf = d.upload(offsets.data())) {
            d.launch(d.kernel("embedding", "embedding_bag_fwd"), d.grid(bags, 1), CudaElementwise.rowBlock(dim),
                    KernelArgs.of().ptr(address(table)).ptr(idBuf.address()).ptr(offBuf.address()).l(ids.numel()).i(bags)
                            .ptr(addressOrNull(perIdWeights)).i(mean).i(paddingId).i(dim).ptr(address(out)));
        }
    }

    /** Per-position work buffers of a backward pass: sort keys and values (two pairs), bag and scale. */
    private static final class Positions implements AutoCloseable {
        final DeviceBlock keys, vals, keysAlt, valsAlt, bagOf, scale;

        Positions(CudaDevice d, long n) {
            long bytes = Math.max(1, n) * Integer.BYTES;
            keys = d.allocate(bytes);
            vals = d.allocate(bytes);
            keysAlt = d.allocate(bytes);
            valsAlt = d.allocate(bytes);
            bagOf = d.allocate(bytes);
            scale = d.allocate(bytes);
        }

        @Override
        public void close() {
            keys.close();
            vals.close();
            keysAlt.close();
            valsAlt.close();
            bagOf.close();
            scale.close();
        }
    }

    @Override
    public RowSparse lookupBackward(IndexTensor ids, Tensor gradOutput, int paddingId, int totalRows) {
        int dim = gradOutput.size(-1), n = ids.numel();
        CudaDevice d = CudaDevice.of(gradOutput);
        try (CudaDevice.Scope s = d.enter(); DeviceBlock idBuf = d.upload(ids.data()); Positions p = new Positions(d, n)) {
            d.launch(d.kernel("embedding", "lookup_positions"), d.grid(n, BLOCK), BLOCK,
                    KernelArgs.of().ptr(idBuf.address()).l(n).i(paddingId).i(totalRows).ptr(p.keys.address()).ptr(p.vals.address())
                            .ptr(p.bagOf.address()).ptr(p.scale.address()));
            return reduceRuns(d, p, n, count(ids, paddingId), address(gradOutput), dim, totalRows);
        }
    }

    @Override
    public RowSparse embeddingBagBackward(IndexTensor ids, IndexTensor offsets, Tensor perIdWeights, boolean mean, int paddingId,
                                          Tensor gradOutput, int totalRows) {
        int dim = gradOutput.size(-1), n = ids.numel();
        CudaDevice d = CudaDevice.of(gradOutput);
        try (CudaDevice.Scope s = d.enter(); DeviceBlock idBuf = d.upload(ids.data()); DeviceBlock offBuf = d.upload(offsets.data());
             Positions p = new Positions(d, n)) {
            bagPositions(d, idBuf, offBuf, n, offsets.numel(), perIdWeights, mean, paddingId, totalRows, p);
            return reduceRuns(d, p, n, count(ids, paddingId), address(gradOutput), dim, totalRows);
        }
    }

    private static void bagPositions(CudaDevice d, DeviceBlock ids, DeviceBlock offsets, int n, int bags, Tensor perIdWeights,
                                     boolean mean, int paddingId, int totalRows, Positions p) {
        if (bags == 0) {
            return;
        }
        d.launch(d.kernel("embedding", "bag_positions"), d.grid(bags, BLOCK), BLOCK,
                KernelArgs.of().ptr(ids.address()).ptr(offsets.address()).l(n).i(bags).ptr(addressOrNull(perIdWeights)).i(mean)
                        .i(paddingId).i(totalRows).ptr(p.keys.address()).ptr(p.vals.address()).ptr(p.bagOf.address())
                        .ptr(p.scale.address()));
    }

    private static int count(IndexTensor ids, int value) {
        int c = 0;
        for (int id : ids.data()) {
            if (id == value) {
                c++;
            }
        }
        return c;
    }

    /**
     * Sorts the positions by id, finds the runs of equal ids and sums each run's scaled gradient rows:
     * values[s] = Σ over the positions p of run s, in position order, of scale[p] · grad[bagOf[p]].
     */
    private RowSparse reduceRuns(CudaDevice d, Positions p, int n, int paddingCount, long grad, int dim, int totalRows) {
        int valid = n - paddingCount;
        if (valid == 0) {
            return new RowSparse(IndexTensor.wrap(new int[0], 0), Tensor.zeros(d.device(), 0, dim), totalRows);
        }
        boolean alt = DeviceSort.sortPairs(d, p.keys.address(), p.vals.address(), p.keysAlt.address(), p.valsAlt.address(), n,
                DeviceSort.bitsFor(totalRows));
        long keys = alt ? p.keysAlt.address() : p.keys.address();
        long pos = alt ? p.valsAlt.address() : p.vals.address();
        try (DeviceBlock flags = d.allocate((long) n * Integer.BYTES); DeviceBlock slots = d.allocate((long) n * Integer.BYTES)) {
            d.launch(d.kernel("embedding", "run_heads"), d.grid(n, BLOCK), BLOCK,
                    KernelArgs.of().ptr(keys).l(n).i(totalRows).ptr(flags.address()));
            d.copyDeviceToDevice(flags.address(), slots.address(), (long) n * Integer.BYTES);
            DeviceSort.exclusiveScan(d, slots.address(), n);
            int[] last = new int[2];
            last[0] = d.downloadInts(slots.address() + (long) (n - 1) * Integer.BYTES, 1)[0];
            last[1] = d.downloadInts(flags.address() + (long) (n - 1) * Integer.BYTES, 1)[0];
            int unique = last[0] + last[1];
            try (DeviceBlock uniqueIds = d.allocate((long) unique * Integer.BYTES);
                 DeviceBlock runStart = d.allocate((long) unique * Integer.BYTES)) {
                d.launch(d.kernel("embedding", "run_compact"), d.grid(n, BLOCK), BLOCK,
                        KernelArgs.of().ptr(keys).ptr(flags.address()).ptr(slots.address()).l(n).ptr(uniqueIds.address())
                                .ptr(runStart.address()));
                Tensor values = Tensor.zeros(d.device(), unique, dim);
                d.launch(d.kernel("embedding", "segment_reduce"), d.grid(unique, 1), CudaElementwise.rowBlock(dim),
                        KernelArgs.of().ptr(pos).ptr(runStart.address()).i(unique).i(valid).ptr(p.bagOf.address())
                                .ptr(p.scale.address()).ptr(grad).i(dim).ptr(address(values)));
                int[] rows = d.downloadInts(uniqueIds.address(), unique);
                return new RowSparse(IndexTensor.wrap(rows, unique), values, totalRows);
            }
        }
    }

    @Override
    public void embeddingBagWeightGrad(Tensor table, IndexTensor ids, IndexTensor offsets, boolean mean, int paddingId,
                                       Tensor gradOutput, Tensor gradWeights) {
        int dim = table.size(1), n = ids.numel();
        if (n == 0) {
            return;
        }
        CudaDevice d = CudaDevice.of(table);
        try (CudaDevice.Scope s = d.enter(); DeviceBlock idBuf = d.upload(ids.data()); DeviceBlock offBuf = d.upload(offsets.data());
             Positions p = new Positions(d, n)) {
            // Positions outside every bag (before offsets[0]) keep scale 0.
            d.zero(p.scale.address(), (long) n * Float.BYTES);
            d.zero(p.bagOf.address(), (long) n * Integer.BYTES);
            bagPositions(d, idBuf, offBuf, n, offsets.numel(), null, mean, paddingId, table.size(0), p);
            d.launch(d.kernel("embedding", "bag_weight_grad"), d.grid((long) n * 32, BLOCK), BLOCK,
                    KernelArgs.of().ptr(address(table)).ptr(idBuf.address()).l(n).ptr(p.bagOf.address()).ptr(p.scale.address())
                            .ptr(address(gradOutput)).i(dim).ptr(address(gradWeights)));
        }
    }

    @Override
    public void renormRows(Tensor table, IndexTensor ids, float maxNorm, float normType) {
        int[] distinct = Arrays.stream(ids.data()).distinct().toArray();
        if (distinct.length == 0) {
            return;
        }
        int dim = table.size(1);
        CudaDevice d = CudaDevice.of(table);
        try (CudaDevice.Scope s = d.enter(); DeviceBlock idBuf = d.upload(distinct)) {
            d.launch(d.kernel("embedding", "renorm_rows"), d.grid(distinct.length, 1), CudaElementwise.rowBlock(dim),
                    KernelArgs.of().ptr(address(table)).ptr(idBuf.address()).i(distinct.length).i(dim).f(maxNorm).f(normType));
        }
    }

    @Override
    public RowSparse addRows(RowSparse a, RowSparse b) {
        if (a.totalRows() != b.totalRows() || a.dim() != b.dim()) {
            throw new IllegalArgumentException("addRows: shapes differ, [" + a.totalRows() + ", " + a.dim() + "] vs ["
                    + b.totalRows() + ", " + b.dim() + "]");
        }
        int[] ra = a.rows().data(), rb = b.rows().data();
        int[] merged = new int[ra.length + rb.length];
        int[] slotA = new int[ra.length], slotB = new int[rb.length];
        int n = 0;
        for (int i = 0, j = 0; i < ra.length || j < rb.length; ) {
            if (j == rb.length || (i < ra.length && ra[i] < rb[j])) {
                slotA[i++] = n;
                merged[n++] = ra[i - 1];
            } else if (i == ra.length || rb[j] < ra[i]) {
                slotB[j++] = n;
                merged[n++] = rb[j - 1];
            } else {
                slotA[i++] = n;
                slotB[j++] = n;
                merged[n++] = ra[i - 1];
            }
        }
        int dim = a.dim();
        CudaDevice d = CudaDevice.of(a.values());
        Tensor values = Tensor.zeros(d.device(), n, dim);
        try (CudaDevice.Scope s = d.enter()) {
            scatterAdd(d, slotA, a.values(), values, dim, 1f);
            scatterAdd(d, slotB, b.values(), values, dim, 1f);
        }
        return new RowSparse(IndexTensor.wrap(Arrays.copyOf(merged, n), n), values, a.totalRows());
    }

    @Override
    public void scatterAddRows(RowSparse sparse, float alpha, Tensor dense) {
        CudaDevice d = CudaDevice.of(dense);
        try (CudaDevice.Scope s = d.enter()) {
            scatterAdd(d, sparse.rows().data(), sparse.values(), dense, sparse.dim(), alpha);
        }
    }

    @Override
    public void setRows(Tensor table, IndexTensor rows, Tensor values) {
        if (rows.numel() == 0) {
            return;
        }
        int dim = table.size(1);
        CudaDevice d = CudaDevice.of(table);
        try (CudaDevice.Scope s = d.enter(); DeviceBlock rowBuf = d.upload(rows.data())) {
            long total = (long) rows.numel() * dim;
            d.launch(d.kernel("embedding", "set_rows"), d.grid(total, BLOCK), BLOCK,
                    KernelArgs.of().ptr(address(table)).ptr(rowBuf.address()).ptr(address(values)).l(rows.numel()).i(dim));
        }
    }

    /** dense[rows[i]] += alpha · values[i] for distinct rows. */
    private static void scatterAdd(CudaDevice d, int[] rows, Tensor values, Tensor dense, int dim, float alpha) {
        if (rows.length == 0) {
            return;
        }
        try (DeviceBlock rowBuf = d.upload(rows)) {
            long total = (long) rows.length * dim;
            d.launch(d.kernel("embedding", "scatter_add_rows"), d.grid(total, BLOCK), BLOCK,
                    KernelArgs.of().ptr(address(dense)).ptr(rowBuf.address()).ptr(address(values)).l(rows.length).i(dim).f(alpha));
        }
    }
}
