package dev.kindling.core.parallel;

import dev.kindling.core.nn.Module;

import java.util.List;

/**
 * How a {@link DataParallel} combines its replicas' gradients after backward. On entry each replica holds
 * its own accumulated gradients; on return every replica holds the same combined gradient, the sum of
 * theirs (the replicas' shares of the batch are already weighted into the gradients they computed).
 */
public interface GradientExchange {

    void combine(List<? extends Module<?>> replicas, ReplicaExecutor executor);

    /** Bytes sent between devices by this exchange so far. */
    long bytesExchanged();
}
