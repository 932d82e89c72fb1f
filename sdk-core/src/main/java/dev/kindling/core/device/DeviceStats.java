package dev.kindling.core.device;

import dev.kindling.core.tensor.Device;

/**
 * A snapshot of one compute device's counters.
 *
 * @param device          the device
 * @param tasksCompleted  tasks that finished normally
 * @param tasksFailed     tasks that threw
 * @param busyNanos       time the device spent running tasks
 * @param queueDepth      tasks submitted and not yet started
 * @param inFlight        tasks submitted and not yet finished (queued plus running)
 * @param maxQueueDepth   the largest queue depth seen
 * @param bytesMoved      bytes copied onto this device by explicit transfers
 */
public record DeviceStats(Device device, long tasksCompleted, long tasksFailed, long busyNanos, int queueDepth,
                          int inFlight, int maxQueueDepth, long bytesMoved) {

    /** Busy time as a fraction of {@code wallNanos} (clamped to [0, 1]). */
    public double utilization(long wallNanos) {
        return wallNanos <= 0 ? 0 : Math.min(1.0, (double) busyNanos / wallNanos);
    }

    @Override
    public String toString() {
        return String.format("%s: %d done, %d failed, busy %.1f ms, queue %d (max %d), in flight %d, %d bytes moved",
                device, tasksCompleted, tasksFailed, busyNanos / 1e6, queueDepth, maxQueueDepth, inFlight, bytesMoved);
    }
}
