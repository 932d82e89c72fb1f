package dev.kindling.core.tensor;

import dev.kindling.core.backend.Backend;
import dev.kindling.core.backend.Backends;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;

/**
 * A contiguous, row-major float32 array with a shape, living on one {@link Device}. Several tensors
 * may share a {@link Storage} (views made by {@link #view} and {@link #narrow}); none of them copies.
 *
 * <p>Element access ({@link #get}, {@link #set}, {@link #toArray}) works on every device but goes
 * through the host for non-CPU devices: it is meant for tests, I/O and small tensors, not for hot loops.
 */
public final class Tensor {

    private final Storage storage;
    private final long offset;
    private final int[] shape;
    private final long numel;

    private Tensor(Storage storage, long offset, int[] shape) {
        this.storage = storage;
        this.offset = offset;
        this.shape = shape.clone();
        this.numel = Shapes.numel(shape);
        if (offset < 0 || offset + numel > storage.elements()) {
            throw new IllegalArgumentException("tensor of shape " + Shapes.str(shape) + " at offset " + offset
                    + " does not fit a storage of " + storage.elements() + " elements");
        }
    }

    /** A tensor over existing storage (used by backends and views). */
    public static Tensor wrap(Storage storage, long offset, int... shape) {
        return new Tensor(storage, offset, shape);
    }

    /** A zero-filled tensor on the CPU. */
    public static Tensor zeros(int... shape) {
        return zeros(Device.CPU, shape);
    }

    /** A zero-filled tensor on {@code device}. */
    public static Tensor zeros(Device device, int... shape) {
        Backend backend = Backends.forDevice(device);
        return new Tensor(backend.allocate(device, Shapes.numel(shape)), 0, shape);
    }

    /** A zero-filled CPU tensor in native memory, outside the Java heap (for tables larger than the heap). */
    public static Tensor offHeap(int... shape) {
        return new Tensor(Backends.cpu().allocateNative(Shapes.numel(shape)), 0, shape);
    }

    /** A CPU tensor that uses {@code data} as its storage (no copy). */
    public static Tensor wrap(float[] data, int... shape) {
        if (Shapes.numel(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Shapes.str(shape) + " holds " + Shapes.numel(shape)
                    + " elements but the array has " + data.length);
        }
        return new Tensor(Backends.cpu().wrap(data), 0, shape);
    }

    /** A CPU tensor holding a copy of {@code data}. */
    public static Tensor of(float[] data, int... shape) {
        return wrap(data.clone(), shape);
    }

    /** A CPU tensor holding {@code data} rounded to float32. */
    public static Tensor of(double[] data, int... shape) {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return wrap(f, shape);
    }

    /** Uniform random values in [lo, hi) on the CPU. */
    public static Tensor rand(Random rng, float lo, float hi, int... shape) {
        Tensor t = zeros(shape);
        MemorySegment s = t.segment();
        for (long i = 0; i < t.numel; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, lo + (hi - lo) * rng.nextFloat());
        }
        return t;
    }

    /** Normal random values with mean 0 and standard deviation {@code std} on the CPU. */
    public static Tensor randn(Random rng, float std, int... shape) {
        Tensor t = zeros(shape);
        MemorySegment s = t.segment();
        for (long i = 0; i < t.numel; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (std * rng.nextGaussian()));
        }
        return t;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim() {
        return shape.length;
    }

    /** Size of dimension {@code d}; negative {@code d} counts from the end. */
    public int size(int d) {
        int k = d < 0 ? shape.length + d : d;
        if (k < 0 || k >= shape.length) {
            throw new IllegalArgumentException("dimension " + d + " out of range for shape " + Shapes.str(shape));
        }
        return shape[k];
    }

    public long numel() {
        return numel;
    }

    public Device device() {
        return storage.device();
    }

    public Storage storage() {
        return storage;
    }

    /** Offset of this tensor's first element within its storage, in elements. */
    public long offset() {
        return offset;
    }

    public Backend backend() {
        return Backends.forDevice(storage.device());
    }

    /**
     * The host memory segment of a CPU tensor's storage (starting at the storage's first element, not at
     * {@link #offset()}). Fails for tensors on other devices.
     */
    public MemorySegment segment() {
        if (!(storage instanceof HostStorage host)) {
            throw new IllegalStateException("tensor lives on " + device() + ", not in host memory; copy it with to(Device.CPU)");
        }
        return host.segment();
    }

    /** A tensor of another shape with the same elements (no copy). */
    public Tensor view(int... newShape) {
        int[] resolved = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < resolved.length; i++) {
            if (resolved[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("only one dimension may be -1 in view " + Shapes.str(newShape));
                }
                infer = i;
            } else {
                known *= resolved[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new IllegalArgumentException("cannot view " + Shapes.str(shape) + " as " + Shapes.str(newShape));
            }
            resolved[infer] = (int) (numel / known);
        }
        if (Shapes.numel(resolved) != numel) {
            throw new IllegalArgumentException("cannot view shape " + Shapes.str(shape) + " (" + numel + " elements) as "
                    + Shapes.str(newShape));
        }
        return new Tensor(storage, offset, resolved);
    }

    /** Rows {@code [start, start + length)} along dimension 0 (no copy). */
    public Tensor narrow(int start, int length) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("cannot narrow a scalar");
        }
        if (start < 0 || length < 0 || start + length > shape[0]) {
            throw new IllegalArgumentException("narrow [" + start + ", " + (start + length) + ") out of range for dimension 0 of "
                    + Shapes.str(shape));
        }
        int[] s = shape.clone();
        s[0] = length;
        return new Tensor(storage, offset + (long) start * rowSize(), s);
    }

    /** Row {@code i} along dimension 0, with that dimension dropped (no copy). */
    public Tensor select(int i) {
        Tensor n = narrow(i, 1);
        return n.view(Arrays.copyOfRange(shape, 1, shape.length));
    }

    /** Elements per index of dimension 0. */
    public long rowSize() {
        return shape.length == 0 ? 1 : (shape[0] == 0 ? Shapes.numel(Arrays.copyOfRange(shape, 1, shape.length)) : numel / shape[0]);
    }

    /** A tensor of the same shape and device, zero-filled. */
    public Tensor zerosLike() {
        return zeros(device(), shape);
    }

    /** A deep copy on the same device. */
    public Tensor copy() {
        Tensor c = zerosLike();
        backend().copy(this, c);
        return c;
    }

    /** This tensor on {@code target}: itself when already there, otherwise a copy. */
    public Tensor to(Device target) {
        if (target.equals(device())) {
            return this;
        }
        Tensor dst = zeros(target, shape);
        dst.copyFrom(this);
        return dst;
    }

    /** Copies {@code src} (same number of elements, any device) into this tensor. */
    public void copyFrom(Tensor src) {
        if (src.numel != numel) {
            throw new IllegalArgumentException("copyFrom: " + Shapes.str(src.shape) + " into " + Shapes.str(shape)
                    + " (element counts differ)");
        }
        if (src.device().equals(device())) {
            backend().copy(src, this);
        } else if (src.device().isCpu()) {
            backend().copyFromHost(src.segment(), src.offset, this);
        } else if (device().isCpu()) {
            src.backend().copyToHost(src, segment(), offset);
        } else {
            Tensor host = src.to(Device.CPU);
            backend().copyFromHost(host.segment(), host.offset, this);
        }
    }

    public float get(int... index) {
        return getFlat(flatIndex(index));
    }

    public void set(float value, int... index) {
        setFlat(flatIndex(index), value);
    }

    public float getFlat(long i) {
        checkFlat(i);
        if (storage instanceof HostStorage host) {
            return host.segment().getAtIndex(ValueLayout.JAVA_FLOAT, offset + i);
        }
        return narrowFlat(i).toArray()[0];
    }

    public void setFlat(long i, float value) {
        checkFlat(i);
        if (storage instanceof HostStorage host) {
            if (host.segment().isReadOnly()) {
                throw new UnsupportedOperationException("tensor is read-only (e.g. memory-mapped from a checkpoint); copy() it to modify");
            }
            host.segment().setAtIndex(ValueLayout.JAVA_FLOAT, offset + i, value);
        } else {
            narrowFlat(i).copyFrom(Tensor.wrap(new float[]{value}, 1));
        }
    }

    /** All elements, copied to a new array (fails above 2^31 - 1 elements). */
    public float[] toArray() {
        if (numel > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("tensor of " + numel + " elements does not fit a Java array");
        }
        Tensor host = device().isCpu() ? this : to(Device.CPU);
        return host.segment().asSlice(host.offset * Float.BYTES, numel * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
    }

    /** True when every element is finite (no NaN, no infinity). */
    public boolean allFinite() {
        return backend().countNonFinite(this) == 0;
    }

    private Tensor narrowFlat(long i) {
        return new Tensor(storage, offset + i, new int[]{1});
    }

    private void checkFlat(long i) {
        if (i < 0 || i >= numel) {
            throw new IndexOutOfBoundsException("flat index " + i + " out of range for " + numel + " elements");
        }
    }

    private long flatIndex(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has " + index.length
                    + " components but the tensor has rank " + shape.length);
        }
        long flat = 0;
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of range for shape " + Shapes.str(shape));
            }
            flat = flat * shape[d] + index[d];
        }
        return flat;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Shapes.str(shape)).append(" on ").append(device());
        if (numel <= 16) {
            sb.append(' ').append(Arrays.toString(toArray()));
        }
        return sb.toString();
    }
}
