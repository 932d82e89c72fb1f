package dev.kindling.core.parallel;

import dev.kindling.core.device.ComputeDevice;
import dev.kindling.core.device.DevicePool;
import dev.kindling.core.nn.Module;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.tensor.TensorSlicing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Model parallelism: children on different devices of a pool (placed round-robin as they are added) all
 * see the same input, copied to their devices; they run concurrently and their outputs are concatenated
 * along {@code dimension} on the input's device. Backward sends each child its slice of
 * {@code gradOutput} and sums the children's input gradients in child order — the same result as
 * {@link dev.kindling.core.nn.Concat} on one device.
 *
 * <p>The children's parameters stay on their devices; an optimizer over {@link #parameters()} updates
 * each on its own device's backend. Each phase waits with a deadline ({@link #setTimeout}); a failing
 * child fails the call with a {@link ReplicaFailureException} carrying its cause.
 */
public final class ModelParallel extends Module<Tensor> {

    private final int dimension;
    private final DevicePool pool;
    private final List<Module<Tensor>> members = new ArrayList<>();
    private final List<ComputeDevice> placement = new ArrayList<>();
    private Duration timeout = DataParallel.DEFAULT_TIMEOUT;
    private Tensor cachedInput;
    private List<Tensor> cachedInputs;
    private int[] cachedSizes;

    public ModelParallel(int dimension, DevicePool pool) {
        if (dimension < 0) {
            throw new IllegalArgumentException("ModelParallel dimension must be >= 0, got " + dimension);
        }
        if (pool == null) {
            throw new IllegalArgumentException("ModelParallel needs a device pool");
        }
        this.dimension = dimension;
        this.pool = pool;
    }

    /** Adds a child on the next device of the pool (round-robin) and moves its parameters there. */
    public ModelParallel add(Module<Tensor> child) {
        return add(child, pool.get(members.size() % pool.size()));
    }

    /** Adds a child on a chosen device of the pool. */
    public ModelParallel add(Module<Tensor> child, ComputeDevice device) {
        if (child == null) {
            throw new IllegalArgumentException("ModelParallel child is null");
        }
        if (!pool.devices().contains(device)) {
            throw new IllegalArgumentException("device " + device + " is not in the pool " + pool);
        }
        child.to(device.device());
        members.add(registerChild(String.valueOf(members.size()), child));
        placement.add(device);
        return this;
    }

    public int dimension() {
        return dimension;
    }

    public Device deviceOf(int child) {
        return placement.get(child).device();
    }

    public ModelParallel setTimeout(Duration timeout) {
        new ReplicaExecutor(pool.devices(), timeout);
        this.timeout = timeout;
        return this;
    }

    @Override
    public Tensor forward(Tensor input) {
        ReplicaExecutor ex = executor();
        List<Tensor> inputs = ex.runAll("model-parallel input copy", i -> () -> placement.get(i).copyIn(input));
        List<Tensor> outs = ex.runAll("model-parallel forward", i -> () -> members.get(i).forward(inputs.get(i)));
        for (int i = 0; i < outs.size(); i++) {
            if (dimension >= outs.get(i).dim()) {
                throw new IllegalArgumentException("concatenation dimension " + dimension + " out of range for the output of child "
                        + i + ", shape " + Shapes.str(outs.get(i).shape()));
            }
        }
        if (isTraining()) {
            cachedInput = input;
            cachedInputs = inputs;
            cachedSizes = sizes(outs);
        }
        return TensorSlicing.concat(outs, dimension, input.device());
    }

    @Override
    public Tensor backward(Tensor input, Tensor gradOutput) {
        ReplicaExecutor ex = executor();
        List<Tensor> inputs;
        int[] sizes;
        if (input == cachedInput && cachedInputs != null) {
            inputs = cachedInputs;
            sizes = cachedSizes;
        } else {
            inputs = ex.runAll("model-parallel input copy", i -> () -> placement.get(i).copyIn(input));
            List<Tensor> outs = ex.runAll("model-parallel forward", i -> () -> members.get(i).forward(inputs.get(i)));
            sizes = sizes(outs);
        }
        cachedInput = null;
        cachedInputs = null;
        cachedSizes = null;
        TensorSlicing.requireDimension("ModelParallel gradOutput", gradOutput, dimension);
        int total = 0;
        int[] starts = new int[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            starts[i] = total;
            total += sizes[i];
        }
        if (gradOutput.size(dimension) != total) {
            throw new IllegalArgumentException("ModelParallel gradOutput has " + gradOutput.size(dimension) + " entries along dimension "
                    + dimension + ", the children produced " + total);
        }
        List<Tensor> gradIns = ex.runAll("model-parallel backward", i -> () -> {
            ComputeDevice d = placement.get(i);
            Tensor g = TensorSlicing.slice(gradOutput, dimension, starts[i], sizes[i], d.device());
            if (!gradOutput.device().equals(d.device())) {
                d.recordBytesMoved(g.numel() * Float.BYTES);
            }
            return members.get(i).backward(inputs.get(i), g);
        });
        Tensor gradInput = Tensor.zeros(input.device(), input.shape());
        Tensor scratch = null;
        for (Tensor gi : gradIns) {
            Tensor local = gi;
            if (!gi.device().equals(input.device())) {
                scratch = scratch == null ? gradInput.zerosLike() : scratch;
                scratch.copyFrom(gi);
                local = scratch;
            }
            gradInput.backend().blas().axpy(1f, local, gradInput);
        }
        return gradInput;
    }

    private ReplicaExecutor executor() {
        if (members.isEmpty()) {
            throw new IllegalStateException("ModelParallel has no children: add(...) at least one");
        }
        return new ReplicaExecutor(placement, timeout);
    }

    private int[] sizes(List<Tensor> outs) {
        int[] s = new int[outs.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = outs.get(i).size(dimension);
        }
        return s;
    }

    /** Not supported: children stay on the devices they were placed on. */
    @Override
    public Module<Tensor> to(Device device) {
        throw new UnsupportedOperationException("ModelParallel children stay on their pool devices; cannot move to " + device);
    }

    @Override
    public String toString() {
        return "ModelParallel(" + dimension + ", " + members + ")";
    }
}
