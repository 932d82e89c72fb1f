package dev.kindling.spring.device;

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

/**
 * Sends each piece of inference work to the first device that can take it: accelerators in order,
 * then the CPU. A device is skipped while its breaker is open or its bulkhead stays full for
 * {@code max-wait}; a failed or timed-out accelerator call is recorded by its breaker and the work is
 * retried on the next device, so no request fails because a GPU did. Caller errors
 * ({@link IllegalArgumentException}) are not device failures: they propagate at once and do not trip a
 * breaker.
 */
public final class DeviceRouter implements AutoCloseable {

    /** What ran, and where. */
    public record Routed<T>(T value, GuardedDevice device, boolean fellBack) {
    }

    private final List<GuardedDevice> devices;

    public DeviceRouter(List<GuardedDevice> devices) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("a device router needs at least one device");
        }
        List<GuardedDevice> ordered = new ArrayList<>(devices);
        ordered.sort(Comparator.comparing((GuardedDevice g) -> g.device().isCpu()));
        if (!ordered.get(ordered.size() - 1).device().isCpu()) {
            throw new IllegalArgumentException("the device list must include the CPU as the fallback, got " + devices);
        }
        this.devices = List.copyOf(ordered);
    }

    /** Devices in routing order (accelerators first, the CPU last). */
    public List<GuardedDevice> devices() {
        return devices;
    }

    /**
     * Runs {@code work} (given the device it runs on) on the first device able to serve it.
     *
     * @throws DeviceBusyException         when every usable device is at its concurrency limit
     * @throws NoDeviceAvailableException  when the work failed on every device, CPU included
     */
    public <T> Routed<T> execute(Function<InferenceDevice, Callable<T>> work) {
        return execute(d -> true, work);
    }

    /**
     * Like {@link #execute(Function)} over the accelerators {@code eligible} admits (a model's preferred
     * devices); the CPU is always eligible as the fallback.
     */
    public <T> Routed<T> execute(java.util.function.Predicate<dev.kindling.core.tensor.Device> eligible,
                                 Function<InferenceDevice, Callable<T>> work) {
        Throwable lastFailure = null;
        boolean busy = false;
        boolean first = true;
        for (GuardedDevice g : devices) {
            if (!g.device().isCpu() && !eligible.test(g.device().device())) {
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
                T value = g.breaker() == null ? g.device().execute(work.apply(g.device())) : timeLimited(g, work);
                if (g.breaker() != null) {
                    g.breaker().onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                }
                return new Routed<>(value, g, fellBack);
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

    private static <T> T timeLimited(GuardedDevice g, Function<InferenceDevice, Callable<T>> work) throws Exception {
        Callable<T> call = work.apply(g.device());
        return g.timeLimiter().executeFutureSupplier(() -> g.workers().submit(() -> g.device().execute(call)));
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
