package dev.kindling.core.parallel;

import dev.kindling.core.nn.Module;
import dev.kindling.core.tensor.RowSparse;
import dev.kindling.core.tensor.Tensor;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Combines gradients in full float32 precision with ring all-reduces: all dense gradients travel as one
 * packed bucket per replica, each row-sparse gradient as its own ring over row ranges.
 */
public final class FullPrecisionExchange implements GradientExchange {

    private final AtomicLong bytes = new AtomicLong();

    @Override
    public void combine(List<? extends Module<?>> replicas, ReplicaExecutor executor) {
        if (replicas.size() == 1) {
            return;
        }
        AllReduce allReduce = new AllReduce(executor);
        try {
            List<String> dense = ReplicaGradients.denseNames(replicas);
            if (!dense.isEmpty()) {
                List<Tensor> buckets = executor.runAll("gradient pack", i -> () ->
                        ReplicaGradients.pack(replicas.get(i), dense, executor.devices().get(i).device()));
                allReduce.sum(buckets);
                executor.runAll("gradient unpack", i -> () -> {
                    ReplicaGradients.unpack(replicas.get(i), dense, buckets.get(i));
                    return null;
                });
            }
            for (String name : ReplicaGradients.sparseNames(replicas)) {
                List<RowSparse> parts = replicas.stream()
                        .map(m -> ReplicaGradients.sparseOrEmpty(m.namedParameters().get(name))).toList();
                List<RowSparse> sums = allReduce.sumRows(parts);
                for (int i = 0; i < replicas.size(); i++) {
                    replicas.get(i).namedParameters().get(name).setSparseGrad(sums.get(i));
                }
            }
        } finally {
            bytes.addAndGet(allReduce.bytesExchanged());
        }
    }

    @Override
    public long bytesExchanged() {
        return bytes.get();
    }
}
