package dev.kindling.core.serving.routing;

import dev.kindling.core.tensor.Device;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Sends each piece of inference work to the first device that can take it: accelerators in order, then the
 * CPU, which is always the fallback. A failed accelerator call is retried on the next device, so no request fails
 * because a GPU did; caller errors ({@link IllegalArgumentException}) propagate at once. The engine's default is
 * {@link FallbackRouter}; the Spring starter guards each device with a circuit breaker, a bulkhead and a time limit.
 */
public interface InferenceRouter extends AutoCloseable {

    /** What ran, where, and whether it fell back from a device that came before. */
    record Routed<T>(T value, Device device, boolean fellBack) {
    }

    /** Devices in routing order (accelerators first, the CPU last). */
    List<Device> devices();

    /**
     * Runs {@code work} (given the device it runs on) on the first device able to serve it among the accelerators
     * {@code eligible} admits, then the CPU.
     *
     * @throws DeviceBusyException         when every usable device is at its concurrency limit
     * @throws NoDeviceAvailableException  when the work failed on every device, CPU included
     */
    <T> Routed<T> execute(Predicate<Device> eligible, Function<Device, Callable<T>> work);

    @Override
    void close();
}
