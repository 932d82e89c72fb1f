package dev.kindling.core.tensor;

import java.util.Arrays;

/**
 * New values for some rows of a model's named table: what one round of online learning wrote, carried to another
 * copy of the model (a device replica, a fleet's other replicas). {@code values} holds {@code rows.length} rows
 * of {@code dim} floats each, in the order of {@code rows}; a 1-d table (a bias vector) has {@code dim} 1.
 */
public record RowPatch(String table, int[] rows, int dim, float[] values) {

    public RowPatch {
        if (table == null || table.isEmpty()) {
            throw new IllegalArgumentException("a row patch names its table");
        }
        if (dim < 1 || rows == null || values == null || (long) rows.length * dim != values.length) {
            throw new IllegalArgumentException("row patch of '" + table + "': " + (rows == null ? "no" : rows.length) + " rows × dim " + dim
                    + " need as many values, got " + (values == null ? "none" : values.length));
        }
        for (int r : rows) {
            if (r < 0) {
                throw new IllegalArgumentException("row patch of '" + table + "' has a negative row " + r);
            }
        }
    }

    /** The rows of host tensor {@code values} ([rows.length, dim], or [n] for a vector), copied. */
    public static RowPatch of(String table, int[] rows, Tensor values) {
        int dim = values.dim() == 1 ? 1 : values.size(1);
        return new RowPatch(table, rows.clone(), dim, values.toArray());
    }

    /** Writes the patch into {@code target} (2-d with {@code dim} columns, or a vector for dim 1), on any device. */
    public void applyTo(Tensor target) {
        Tensor t = target.dim() == 1 ? target.view(target.size(0), 1) : target;
        if (t.size(1) != dim) {
            throw new IllegalArgumentException("row patch of '" + table + "' has dim " + dim + " but the table is " + Shapes.str(target.shape()));
        }
        for (int r : rows) {
            if (r >= t.size(0)) {
                throw new IllegalArgumentException("row patch of '" + table + "' writes row " + r + " of a table of " + t.size(0) + " rows");
            }
        }
        if (rows.length == 0) {
            return;
        }
        // setRows only reads: the patch's own array serves as the source, no copy (promotions apply many patches).
        Tensor v = Tensor.wrap(values, rows.length, dim).to(t.device());
        t.backend().embedding().setRows(t, IndexTensor.wrap(rows, rows.length), v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowPatch p && table.equals(p.table) && dim == p.dim && Arrays.equals(rows, p.rows)
                && Arrays.equals(values, p.values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * table.hashCode() + Arrays.hashCode(rows)) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "RowPatch(" + table + ", " + rows.length + " rows × " + dim + ")";
    }
}
