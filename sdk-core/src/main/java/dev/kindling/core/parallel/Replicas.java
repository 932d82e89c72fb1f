package dev.kindling.core.parallel;

import dev.kindling.core.nn.Module;
import dev.kindling.core.nn.Parameter;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Shapes;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Deep copies of a module for data parallelism. A replica is a fresh module built by a factory (the same
 * architecture, new parameter tensors) whose parameters receive the source's values by their
 * {@link Module#namedParameters() names}; names, shapes and sparseness must match exactly.
 */
public final class Replicas {

    private Replicas() {
    }

    /** A new module from {@code factory}, moved to {@code device}, holding {@code source}'s parameter values. */
    public static <M extends Module<?>> M replicate(Module<?> source, Supplier<? extends M> factory, Device device) {
        if (factory == null) {
            throw new IllegalArgumentException("replica factory is null; pass a Supplier that builds the same architecture");
        }
        M replica = factory.get();
        if (replica == null) {
            throw new IllegalArgumentException("replica factory returned null");
        }
        if (replica == source) {
            throw new IllegalArgumentException("replica factory returned the source module itself; it must build a new module each call");
        }
        requireSameParameters("replica of " + source, source, replica);
        Set<Object> sourceTensors = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        source.parameters().forEach(p -> sourceTensors.add(p.value().storage()));
        for (Parameter p : replica.parameters()) {
            if (sourceTensors.contains(p.value().storage())) {
                throw new IllegalArgumentException("replica parameter '" + p.name() + "' shares storage with the source; "
                        + "the factory must allocate new parameters");
            }
        }
        replica.to(device);
        copyParameters(source, replica);
        return replica;
    }

    /** Copies every parameter value of {@code from} into the parameter of the same name in {@code to} (any devices). */
    public static void copyParameters(Module<?> from, Module<?> to) {
        requireSameParameters("parameter copy", from, to);
        Map<String, Parameter> dst = to.namedParameters();
        from.namedParameters().forEach((name, p) -> dst.get(name).value().copyFrom(p.value()));
    }

    /** Fails naming the first difference when the two modules' parameters differ in name, order, shape or sparseness. */
    public static void requireSameParameters(String what, Module<?> a, Module<?> b) {
        Map<String, Parameter> pa = a.namedParameters();
        Map<String, Parameter> pb = b.namedParameters();
        if (!pa.keySet().equals(pb.keySet())) {
            throw new IllegalArgumentException(what + ": parameter names differ, " + pa.keySet() + " vs " + pb.keySet());
        }
        Iterator<String> ib = pb.keySet().iterator();
        for (Map.Entry<String, Parameter> e : pa.entrySet()) {
            String nb = ib.next();
            if (!e.getKey().equals(nb)) {
                throw new IllegalArgumentException(what + ": parameters in a different order ('" + e.getKey() + "' vs '" + nb + "')");
            }
            Parameter x = e.getValue(), y = pb.get(nb);
            if (!Arrays.equals(x.value().shape(), y.value().shape())) {
                throw new IllegalArgumentException(what + ": parameter '" + e.getKey() + "' has shape " + Shapes.str(x.value().shape())
                        + " in one module and " + Shapes.str(y.value().shape()) + " in the other");
            }
            if (x.isSparse() != y.isSparse()) {
                throw new IllegalArgumentException(what + ": parameter '" + e.getKey() + "' is row-sparse in one module only");
            }
        }
    }
}
