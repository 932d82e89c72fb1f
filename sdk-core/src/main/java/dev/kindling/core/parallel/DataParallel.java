package dev.kindling.core.parallel;

import dev.kindling.core.device.ComputeDevice;
import dev.kindling.core.device.DevicePool;
import dev.kindling.core.nn.Bags;
import dev.kindling.core.nn.Criterion;
import dev.kindling.core.nn.Module;
import dev.kindling.core.nn.Parameter;
import dev.kindling.core.optim.Optimizer;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.core.tensor.TensorSlicing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Data parallelism over the devices of a {@link DevicePool}: one replica of the module per device, each
 * computing on its part of the batch, all at once.
 *
 * <ul>
 *   <li>{@link #forward} splits the batch along the splitter's dimension into near-equal parts (uneven splits
 *   are fine; a replica with no examples sits the step out), runs the replicas concurrently and concatenates
 *   their outputs on the first device.</li>
 *   <li>{@link #backward} splits {@code gradOutput} the same way, runs the replicas' backward passes, then
 *   combines the parameter gradients with an all-reduce so that every replica holds the same gradient, the
 *   one a single module would have computed on the whole batch; it returns the joined input gradient.</li>
 *   <li>{@link #trainStep} lets every replica also compute the criterion on its part. Each part's loss is the
 *   criterion's mean over that part, so the replicas' gradients are combined as their batch-weighted mean,
 *   Σ (nᵢ/N)·gᵢ — the plain mean for even splits, and still the whole-batch gradient for uneven ones.</li>
 *   <li>{@link #step} runs every replica's own optimizer (see {@link #setOptimizer}); identical gradients and
 *   identical optimizer state keep the replicas identical.</li>
 * </ul>
 *
 * <p>The module passed in is replica 0 (moved to the first device); its parameters, under the child name
 * {@code "module"}, are this container's {@link #namedParameters()}. The other replicas are built by the
 * factory and receive replica 0's values. Optimize through {@link #setOptimizer}/{@link #step}, not with an
 * optimizer over {@link #parameters()}, which would update replica 0 alone.
 *
 * <p>Every phase waits with a deadline ({@link #setTimeout}); a replica that throws or hangs fails the call
 * with a {@link ReplicaFailureException} that carries its cause.
 *
 * @param <I> the input type of the replicated module
 */
public class DataParallel<I> extends Module<I> {

    /** Default deadline of each parallel phase. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    private final BatchSplitter<I> splitter;
    private final List<Module<I>> replicas;
    private final GradientExchange exchange;
    private ReplicaExecutor executor;
    private List<Optimizer> optimizers;

    private I cachedInput;
    private int[] cachedSizes;
    private List<I> cachedParts;

    /** Full-precision data parallelism over every device of {@code pool}. */
    public DataParallel(BatchSplitter<I> splitter, DevicePool pool, Module<I> module, Supplier<? extends Module<I>> factory) {
        this(splitter, pool, module, factory, new FullPrecisionExchange());
    }

    /** Data parallelism with a chosen gradient exchange (see {@code OneBitDataParallel}). */
    protected DataParallel(BatchSplitter<I> splitter, DevicePool pool, Module<I> module, Supplier<? extends Module<I>> factory,
                           GradientExchange exchange) {
        if (splitter == null || pool == null || module == null || exchange == null) {
            throw new IllegalArgumentException("DataParallel needs a splitter, a device pool, a module and a gradient exchange");
        }
        this.splitter = splitter;
        this.exchange = exchange;
        List<ComputeDevice> devices = pool.devices();
        this.executor = new ReplicaExecutor(devices, DEFAULT_TIMEOUT);
        List<Module<I>> rs = new ArrayList<>();
        module.to(devices.get(0).device());
        rs.add(module);
        for (int i = 1; i < devices.size(); i++) {
            if (factory == null) {
                throw new IllegalArgumentException("DataParallel over " + devices.size() + " devices needs a replica factory");
            }
            rs.add(Replicas.replicate(module, factory, devices.get(i).device()));
            devices.get(i).recordBytesMoved(parameterBytes(module));
        }
        this.replicas = List.copyOf(rs);
        registerChild("module", module);
    }

    /** Dense inputs split along {@code dimension}. */
    public static DataParallel<Tensor> ofTensors(int dimension, DevicePool pool, Module<Tensor> module,
                                                 Supplier<? extends Module<Tensor>> factory) {
        return new DataParallel<>(BatchSplitter.tensors(dimension), pool, module, factory);
    }

    /** Id inputs (lookup tables) split along {@code dimension}. */
    public static DataParallel<IndexTensor> ofIds(int dimension, DevicePool pool, Module<IndexTensor> module,
                                                  Supplier<? extends Module<IndexTensor>> factory) {
        return new DataParallel<>(BatchSplitter.ids(dimension), pool, module, factory);
    }

    /** Bags (embedding bags) split by bag. */
    public static DataParallel<Bags> ofBags(DevicePool pool, Module<Bags> module, Supplier<? extends Module<Bags>> factory) {
        return new DataParallel<>(BatchSplitter.bags(), pool, module, factory);
    }

    public int replicaCount() {
        return replicas.size();
    }

    public Module<I> replica(int i) {
        return replicas.get(i);
    }

    public List<Module<I>> replicas() {
        return replicas;
    }

    public int dimension() {
        return splitter.dimension();
    }

    public GradientExchange exchange() {
        return exchange;
    }

    /** Bytes of gradient sent between replicas so far. */
    public long bytesExchanged() {
        return exchange.bytesExchanged();
    }

    /** Deadline of each parallel phase (forward, backward, each all-reduce step, step). */
    public DataParallel<I> setTimeout(Duration timeout) {
        this.executor = executor.withTimeout(timeout);
        return this;
    }

    protected ReplicaExecutor executor() {
        return executor;
    }

    /** Gives every replica its own optimizer, built by {@code factory} from that replica's parameters. */
    public DataParallel<I> setOptimizer(Function<List<Parameter>, ? extends Optimizer> factory) {
        List<Optimizer> os = new ArrayList<>();
        for (Module<I> r : replicas) {
            Optimizer o = factory.apply(r.parameters());
            if (o == null || o.parameters().stream().anyMatch(p -> !r.parameters().contains(p))) {
                throw new IllegalArgumentException("the optimizer factory must build an optimizer over the parameters it is given");
            }
            os.add(o);
        }
        this.optimizers = List.copyOf(os);
        return this;
    }

    public List<Optimizer> optimizers() {
        if (optimizers == null) {
            throw new IllegalStateException("no optimizer set: call setOptimizer(...) first");
        }
        return optimizers;
    }

    @Override
    public Tensor forward(I input) {
        int[] sizes = split(input);
        List<I> parts = parts(input, sizes);
        List<Tensor> outs = executor.runAll("forward", i -> sizes[i] == 0 ? null : () -> replicas.get(i).forward(parts.get(i)));
        if (isTraining()) {
            cachedInput = input;
            cachedSizes = sizes;
            cachedParts = parts;
        }
        return gatherOutputs(outs);
    }

    @Override
    public I backward(I input, Tensor gradOutput) {
        int[] sizes;
        List<I> parts;
        if (input == cachedInput && cachedParts != null) {
            sizes = cachedSizes;
            parts = cachedParts;
        } else {
            sizes = split(input);
            parts = parts(input, sizes);
        }
        clearCache();
        int dim = splitter.dimension();
        TensorSlicing.requireDimension("DataParallel gradOutput", gradOutput, dim);
        int total = Arrays.stream(sizes).sum();
        if (gradOutput.size(dim) != total) {
            throw new IllegalArgumentException("DataParallel gradOutput has " + gradOutput.size(dim) + " entries along dimension "
                    + dim + " but the batch has " + total);
        }
        int[] starts = starts(sizes);
        List<I> gradIns = executor.runAll("backward", i -> () -> {
            // replica 0 keeps what it holds; the others contribute only this backward's gradient, so that the
            // sum over replicas is correct when gradients accumulate over several backward calls.
            if (i > 0) {
                replicas.get(i).zeroGradParameters();
            }
            if (sizes[i] == 0) {
                return null;
            }
            ComputeDevice d = executor.devices().get(i);
            Tensor g = TensorSlicing.slice(gradOutput, dim, starts[i], sizes[i], d.device());
            if (!gradOutput.device().equals(d.device())) {
                d.recordBytesMoved(g.numel() * Float.BYTES);
            }
            return replicas.get(i).backward(parts.get(i), g);
        });
        exchange.combine(replicas, executor);
        List<I> nonEmpty = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] > 0) {
                nonEmpty.add(gradIns.get(i));
            }
        }
        return splitter.gather(input, nonEmpty, primaryDevice());
    }

    /**
     * One training computation on a batch: every replica runs forward, the criterion (which must average
     * over its part of the batch, like the default criteria, and be safe to share between threads) and
     * backward on its part; the gradients are then combined. Returns the batch's mean loss. Does not update
     * the parameters: call {@link #step()}.
     */
    public float trainStep(I input, IndexTensor target, Criterion criterion) {
        if (splitter.dimension() != 0) {
            throw new IllegalArgumentException("trainStep needs the batch along dimension 0, this DataParallel splits dimension "
                    + splitter.dimension() + "; use forward/backward with a criterion on the gathered output");
        }
        if (criterion == null || target == null) {
            throw new IllegalArgumentException("trainStep needs a criterion and targets");
        }
        int[] sizes = split(input);
        int total = Arrays.stream(sizes).sum();
        if (target.dim() != 1 || target.numel() != total) {
            throw new IllegalArgumentException("trainStep targets must be 1-d with one class per example (" + total + "), got "
                    + Arrays.toString(target.shape()));
        }
        clearCache();
        List<I> parts = parts(input, sizes);
        int[] starts = starts(sizes);
        List<Double> losses = executor.runAll("train step", i -> () -> {
            Module<I> r = replicas.get(i);
            if (i > 0) {
                r.zeroGradParameters();
            }
            if (sizes[i] == 0) {
                return 0.0;
            }
            I x = parts.get(i);
            IndexTensor t = IndexTensor.wrap(Arrays.copyOfRange(target.data(), starts[i], starts[i] + sizes[i]), sizes[i]);
            Tensor out = r.forward(x);
            float loss = criterion.forward(out, t);
            Tensor g = criterion.backward(out, t);
            float share = (float) sizes[i] / total;
            g.backend().blas().scale(g, share);
            r.backward(x, g);
            return (double) loss * share;
        });
        exchange.combine(replicas, executor);
        double sum = 0;
        for (double l : losses) {
            sum += l;
        }
        return (float) sum;
    }

    /** Runs every replica's optimizer (concurrently). */
    public void step() {
        List<Optimizer> os = optimizers();
        executor.runAll("optimizer step", i -> () -> {
            os.get(i).step();
            return null;
        });
    }

    @Override
    public void zeroGradParameters() {
        clearCache();
        executor.runAll("zero gradients", i -> () -> {
            replicas.get(i).zeroGradParameters();
            return null;
        });
    }

    /** Copies replica 0's parameters into every other replica (after loading a checkpoint into it, say). */
    public void broadcastParameters() {
        long bytes = parameterBytes(replicas.get(0));
        executor.runAll("broadcast parameters", i -> i == 0 ? null : () -> {
            Replicas.copyParameters(replicas.get(0), replicas.get(i));
            executor.devices().get(i).recordBytesMoved(bytes);
            return null;
        });
    }

    @Override
    public DataParallel<I> train() {
        super.train();
        replicas.forEach(Module::train);
        return this;
    }

    @Override
    public DataParallel<I> eval() {
        super.eval();
        replicas.forEach(Module::eval);
        clearCache();
        return this;
    }

    /** Not supported: replicas live on the pool's devices. */
    @Override
    public Module<I> to(Device device) {
        throw new UnsupportedOperationException("a DataParallel's replicas are placed on its pool's devices; build it over a pool "
                + "of the devices you want instead of moving it to " + device);
    }

    @Override
    public Device device() {
        return primaryDevice();
    }

    private Device primaryDevice() {
        return executor.devices().get(0).device();
    }

    private int[] split(I input) {
        if (input == null) {
            throw new IllegalArgumentException("DataParallel input is null");
        }
        int n = splitter.batchSize(input);
        if (n <= 0) {
            throw new IllegalArgumentException("DataParallel needs a batch of at least one example along dimension "
                    + splitter.dimension() + ", got " + n);
        }
        return TensorSlicing.evenSplit(n, replicas.size());
    }

    private List<I> parts(I input, int[] sizes) {
        int[] starts = starts(sizes);
        List<I> parts = new ArrayList<>(sizes.length);
        for (int i = 0; i < sizes.length; i++) {
            parts.add(sizes[i] == 0 ? null : splitter.slice(input, starts[i], sizes[i], executor.devices().get(i)));
        }
        return parts;
    }

    private Tensor gatherOutputs(List<Tensor> outs) {
        List<Tensor> nonEmpty = new ArrayList<>();
        for (int i = 0; i < outs.size(); i++) {
            Tensor o = outs.get(i);
            if (o != null) {
                nonEmpty.add(o);
                if (i > 0) {
                    executor.devices().get(0).recordBytesMoved(o.numel() * Float.BYTES);
                }
            }
        }
        return TensorSlicing.concat(nonEmpty, splitter.dimension(), primaryDevice());
    }

    private void clearCache() {
        cachedInput = null;
        cachedSizes = null;
        cachedParts = null;
    }

    private static int[] starts(int[] sizes) {
        int[] s = new int[sizes.length];
        for (int i = 1; i < sizes.length; i++) {
            s[i] = s[i - 1] + sizes[i - 1];
        }
        return s;
    }

    private static long parameterBytes(Module<?> m) {
        long b = 0;
        for (Parameter p : m.parameters()) {
            b += p.value().numel() * Float.BYTES;
        }
        return b;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + replicas.size() + " replicas of " + replicas.get(0) + " along dimension "
                + splitter.dimension() + ")";
    }
}
