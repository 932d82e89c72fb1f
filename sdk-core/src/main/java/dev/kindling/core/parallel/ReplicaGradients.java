package dev.kindling.core.parallel;

import dev.kindling.core.nn.Module;
import dev.kindling.core.nn.Parameter;
import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which gradients the replicas have: dense gradients present on any replica are exchanged by all (a
 * replica without one contributes zeros), and so are row-sparse ones (a replica whose part of the batch
 * touched no row contributes an empty set of rows).
 */
public final class ReplicaGradients {

    private ReplicaGradients() {
    }

    /** Names of parameters with a dense gradient on some replica, in parameter order. */
    public static List<String> denseNames(List<? extends Module<?>> replicas) {
        Set<String> names = new LinkedHashSet<>();
        for (Module<?> m : replicas) {
            m.namedParameters().forEach((n, p) -> {
                if (p.hasDenseGrad()) {
                    names.add(n);
                }
            });
        }
        return order(replicas.get(0), names);
    }

    /** Names of parameters with a row-sparse gradient on some replica, in parameter order. */
    public static List<String> sparseNames(List<? extends Module<?>> replicas) {
        Set<String> names = new LinkedHashSet<>();
        for (Module<?> m : replicas) {
            m.namedParameters().forEach((n, p) -> {
                if (p.sparseGrad() != null) {
                    names.add(n);
                }
            });
        }
        return order(replicas.get(0), names);
    }

    private static List<String> order(Module<?> reference, Set<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : reference.namedParameters().keySet()) {
            if (names.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }

    /** The dense gradients named, packed one after another into a new flat tensor on {@code device}. */
    public static Tensor pack(Module<?> replica, List<String> names, Device device) {
        Map<String, Parameter> ps = replica.namedParameters();
        long total = 0;
        for (String n : names) {
            total += ps.get(n).value().numel();
        }
        Tensor bucket = Tensor.zeros(device, Math.toIntExact(total));
        int at = 0;
        for (String n : names) {
            Tensor g = ps.get(n).grad();
            int len = (int) g.numel();
            bucket.narrow(at, len).copyFrom(g.view(-1));
            at += len;
        }
        return bucket;
    }

    /** Copies a bucket made by {@link #pack} back into the gradients. */
    public static void unpack(Module<?> replica, List<String> names, Tensor bucket) {
        Map<String, Parameter> ps = replica.namedParameters();
        int at = 0;
        for (String n : names) {
            Tensor g = ps.get(n).grad();
            int len = (int) g.numel();
            g.view(-1).copyFrom(bucket.narrow(at, len));
            at += len;
        }
    }

    /** The row-sparse gradient of a parameter, or an empty one when its part of the batch touched no row. */
    public static RowSparse sparseOrEmpty(Parameter p) {
        RowSparse g = p.sparseGrad();
        if (g != null) {
            return g;
        }
        Tensor v = p.value();
        return new RowSparse(IndexTensor.wrap(new int[0], 0), Tensor.zeros(v.device(), 0, v.size(1)), v.size(0));
    }
}
