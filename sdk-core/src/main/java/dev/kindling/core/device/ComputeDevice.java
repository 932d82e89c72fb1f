package dev.kindling.core.device;

import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Tensor;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * One compute device of a {@link DevicePool}: an execution queue whose tasks run in submission order,
 * a bound on the work in flight, and statistics. Each is served by a worker thread ({@link WorkerDevice});
 * CUDA devices come from the CUDA backend through {@link ComputeDeviceProvider}.
 *
 * <p>Tensors move between devices only by the explicit copies below, which count the bytes moved.
 */
public interface ComputeDevice extends AutoCloseable {

    /** The device whose tensors this queue computes on. */
    Device device();

    /** Most tasks that may be queued or running at once; {@link #submit} waits while the device is full. */
    int maxInFlight();

    /**
     * Queues {@code task}; the future completes with its result or its exception. Blocks while
     * {@link #maxInFlight()} tasks are pending, up to the device's admission timeout, then fails with
     * {@link java.util.concurrent.RejectedExecutionException}. Called from this device's own worker, the
     * task runs at once (a queue waiting on itself would never drain).
     *
     * @param label what the task is, for error messages
     */
    <T> CompletableFuture<T> submit(String label, Callable<T> task);

    /** Whether the calling thread is this device's worker. */
    boolean isWorkerThread();

    /** {@code src} on this device: itself when already here, otherwise a copy (counted in {@link DeviceStats#bytesMoved()}). */
    default Tensor copyIn(Tensor src) {
        if (src.device().equals(device())) {
            return src;
        }
        Tensor dst = src.to(device());
        recordBytesMoved(src.numel() * Float.BYTES);
        return dst;
    }

    /** Copies {@code src} (any device) into {@code dst} (on this device), counting the bytes when they cross devices. */
    default void copy(Tensor src, Tensor dst) {
        if (!dst.device().equals(device())) {
            throw new IllegalArgumentException("copy destination lives on " + dst.device() + ", not on " + device());
        }
        dst.copyFrom(src);
        if (!src.device().equals(device())) {
            recordBytesMoved(src.numel() * Float.BYTES);
        }
    }

    /** Adds {@code bytes} to the bytes moved onto this device (for transfers made outside {@link #copyIn}). */
    void recordBytesMoved(long bytes);

    DeviceStats stats();

    /** Stops the worker; queued tasks fail with {@link java.util.concurrent.CancellationException}. Waits a bounded time. */
    @Override
    void close();
}
