package dev.kindling.core.tensor;

import java.util.Arrays;

/**
 * Integer ids (rows of an embedding table, class labels, bag offsets) with a shape. Ids are kept on
 * the host; a backend that computes elsewhere uploads them itself.
 */
public final class IndexTensor {

    private final int[] data;
    private final int[] shape;

    private IndexTensor(int[] data, int[] shape) {
        if (Shapes.numel(shape) != data.length) {
            throw new IllegalArgumentException("index shape " + Shapes.str(shape) + " holds " + Shapes.numel(shape)
                    + " ids but " + data.length + " were given");
        }
        this.data = data;
        this.shape = shape.clone();
    }

    /** A 1-d index tensor holding a copy of {@code ids}. */
    public static IndexTensor of(int... ids) {
        return new IndexTensor(ids.clone(), new int[]{ids.length});
    }

    /** An index tensor of the given shape holding a copy of {@code ids}. */
    public static IndexTensor of(int[] ids, int... shape) {
        return new IndexTensor(ids.clone(), shape);
    }

    /** Wraps {@code ids} without copying; the caller must not change them afterwards. */
    public static IndexTensor wrap(int[] ids, int... shape) {
        return new IndexTensor(ids, shape);
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim() {
        return shape.length;
    }

    public int size(int d) {
        return shape[d < 0 ? shape.length + d : d];
    }

    public int numel() {
        return data.length;
    }

    public int get(int flat) {
        return data[flat];
    }

    /** The ids, without copying: read-only by contract. */
    public int[] data() {
        return data;
    }

    public int[] toArray() {
        return data.clone();
    }

    public IndexTensor view(int... newShape) {
        return new IndexTensor(data, newShape);
    }

    /**
     * Fails with a message naming {@code what}, the offending position and the allowed range when any id
     * lies outside {@code [0, limit)}.
     */
    public void requireRange(String what, int limit) {
        for (int i = 0; i < data.length; i++) {
            int id = data[i];
            if (id < 0 || id >= limit) {
                throw new IllegalArgumentException(what + " id " + id + " at position " + i + " is out of range [0, " + limit + ")");
            }
        }
    }

    @Override
    public String toString() {
        return "IndexTensor" + Shapes.str(shape) + (data.length <= 16 ? " " + Arrays.toString(data) : "");
    }
}
