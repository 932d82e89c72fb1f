package dev.kindling.core.tensor;

/**
 * A gradient (or update) that touches only some rows of a {@code totalRows × dim} parameter: the row
 * ids in ascending order without repeats, and one value row per id. Embedding tables and HSM class
 * weights produce these, so an optimizer step costs the rows a batch touched, not the whole table.
 */
public record RowSparse(IndexTensor rows, Tensor values, int totalRows) {

    public RowSparse {
        if (values.dim() != 2 || values.size(0) != rows.numel()) {
            throw new IllegalArgumentException("RowSparse values must be [" + rows.numel() + ", dim], got "
                    + Shapes.str(values.shape()));
        }
        int[] ids = rows.data();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= totalRows || (i > 0 && ids[i] <= ids[i - 1])) {
                throw new IllegalArgumentException("RowSparse row ids must be ascending, unique and in [0, " + totalRows
                        + "); bad id " + ids[i] + " at position " + i);
            }
        }
    }

    public int dim() {
        return values.size(1);
    }

    public int nnzRows() {
        return rows.numel();
    }
}
