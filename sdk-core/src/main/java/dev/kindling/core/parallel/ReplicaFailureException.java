package dev.kindling.core.parallel;

import dev.kindling.core.tensor.Device;

/**
 * A parallel step failed because one replica (or device task) threw or did not finish in time. The cause
 * is the replica's own exception (or a {@link java.util.concurrent.TimeoutException}); failures of other
 * replicas in the same phase are attached as suppressed exceptions.
 *
 * <p>After a failed step the replicas' gradients may differ: call {@code zeroGradParameters()} before the
 * next step. Parameters are only changed by {@code step()}; if that is what failed, re-synchronize them with
 * {@code broadcastParameters()}.
 */
public final class ReplicaFailureException extends RuntimeException {

    private final int replica;
    private final Device device;
    private final String phase;

    public ReplicaFailureException(int replica, Device device, String phase, Throwable cause) {
        super("replica " + replica + " on " + device + " failed in " + phase + ": " + cause, cause);
        this.replica = replica;
        this.device = device;
        this.phase = phase;
    }

    /** Index of the failing replica (its position in the device list). */
    public int replica() {
        return replica;
    }

    public Device device() {
        return device;
    }

    /** The phase that failed: forward, backward, all-reduce, step, … */
    public String phase() {
        return phase;
    }
}
