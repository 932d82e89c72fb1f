package dev.kindling.spring.device;

import dev.kindling.core.serving.routing.DeviceBusyException;
import dev.kindling.core.serving.routing.InferenceRouter;
import dev.kindling.core.serving.routing.NoDeviceAvailableException;
import dev.kindling.core.tensor.Device;
import io.github.resilience4j.bulkhead.BulkheadFullException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The starter's {@link InferenceRouter}: sends each piece of inference work to the first device that can take it: accelerators in order,
 * then the CPU. A device is skipped while its breaker is open or its bulkhead stays full for
 * {@code max-wait}; a failed or timed-out accelerator call is recorded by its breaker and the work is
 * retried on the next device, so no request fails because a GPU did. Caller errors
 * ({@link IllegalArgumentException}) are not device failures: they propagate at once and do not trip a
 * breaker.
 */
public final class DeviceRouter implements InferenceRouter {

    private final List<GuardedDevice> devices;

    public DeviceRouter(List<GuardedDevice> devices) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("a device router needs at least one device");
        }
        List<GuardedDevice> ordered = new ArrayList<>(devices);
        ordered.sort(Comparator.comparing((GuardedDevice g) -> g.device().device().isCpu()));
        if (!ordered.get(ordered.size() - 1).device().device().isCpu()) {
            throw new IllegalArgumentException("the device list must include the CPU as the fallback, got " + devices);
        }
        this.devices = List.copyOf(ordered);
    }

    /** The guarded devices in routing order (accelerators first, the CPU last). */
    public List<GuardedDevice> guardedDevices() {
        return devices;
    }

    @Override
    public List<Device> devices() {
        return devices.stream().map(g -> g.device().device()).toList();
    }

    @Override
    public <T> Routed<T> execute(Predicate<Device> eligible, Function<Device, Callable<T>> work) {
        Throwable lastFailure = null;
        boolean busy = false;
        boolean first = true;
        for (GuardedDevice g : devices) {
            Device device = g.device().device();
            if (!device.isCpu() && !eligible.test(device)) {
                continue;
            }
            boolean fellBack = !first;
            first = false;
            if (g.breaker() != null && !g.breaker().tryAcquirePermission()) {
                continue;
            }
            try {
                g.bulkhead().acquirePermission();
            } catch (BulkheadFullException e) {
                g.countRejection();
                if (g.breaker() != null) {
                    g.breaker().releasePermission();
                }
                busy = true;
                continue;
            } catch (RuntimeException e) {
                // Interrupted while waiting for the bulkhead: give back the breaker's (half-open) permit too.
                if (g.breaker() != null) {
                    g.breaker().releasePermission();
                }
                throw e;
            }
            long start = System.nanoTime();
            try {
                g.countCall();
                // The CPU computes in the caller's thread; an accelerator's call runs on the guard's workers, so a hung
                // call can be abandoned.
                T value = g.breaker() == null ? work.apply(device).call() : timeLimited(g, work.apply(device));
                if (g.breaker() != null) {
                    g.breaker().onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                }
                return new Routed<>(value, device, fellBack);
            } catch (IllegalArgumentException e) {
                if (g.breaker() != null) {
                    g.breaker().releasePermission();
                }
                throw e;
            } catch (Throwable e) {
                Throwable cause = unwrap(e);
                if (cause instanceof IllegalArgumentException iae) {
                    if (g.breaker() != null) {
                        g.breaker().releasePermission();
                    }
                    throw iae;
                }
                g.countFailure();
                if (g.breaker() != null) {
                    g.breaker().onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, cause);
                }
                lastFailure = cause;
            } finally {
                g.bulkhead().onComplete();
            }
        }
        if (busy && lastFailure == null) {
            Duration wait = devices.get(devices.size() - 1).settings().maxWait();
            throw new DeviceBusyException("all devices are at their concurrency limit; retry shortly",
                    wait.isZero() ? Duration.ofSeconds(1) : wait.plusMillis(999).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        }
        throw new NoDeviceAvailableException("no device could serve the request"
                + (lastFailure != null ? ": last failure " + lastFailure : ""), lastFailure);
    }

    private static <T> T timeLimited(GuardedDevice g, Callable<T> call) throws Exception {
        return g.timeLimiter().executeFutureSupplier(() -> g.workers().submit(call));
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof TimeoutException te) {
            return te;
        }
        return t;
    }

    @Override
    public void close() {
        devices.forEach(GuardedDevice::close);
    }
}
