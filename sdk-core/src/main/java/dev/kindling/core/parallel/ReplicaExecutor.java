package dev.kindling.core.parallel;

import dev.kindling.core.device.ComputeDevice;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * Runs one task per device and waits for all of them, with a deadline. The first failure ends the wait
 * and is thrown as a {@link ReplicaFailureException} carrying the replica's cause; a task that does not
 * finish within the timeout fails the phase too. So a parallel step either completes or fails with a
 * reason; it never hangs.
 */
public final class ReplicaExecutor {

    private final List<ComputeDevice> devices;
    private final Duration timeout;

    public ReplicaExecutor(List<ComputeDevice> devices, Duration timeout) {
        if (devices == null || devices.isEmpty()) {
            throw new IllegalArgumentException("a replica executor needs at least one device, got none");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("phase timeout must be positive, got " + timeout);
        }
        this.devices = List.copyOf(devices);
        this.timeout = timeout;
    }

    public List<ComputeDevice> devices() {
        return devices;
    }

    public int size() {
        return devices.size();
    }

    public Duration timeout() {
        return timeout;
    }

    public ReplicaExecutor withTimeout(Duration newTimeout) {
        return new ReplicaExecutor(devices, newTimeout);
    }

    /**
     * Runs {@code taskFor.apply(i)} on device i for every i (a null task skips that device, its result is
     * null) and returns the results in device order.
     */
    public <T> List<T> runAll(String phase, IntFunction<Callable<T>> taskFor) {
        int n = devices.size();
        List<CompletableFuture<T>> futures = new ArrayList<>(n);
        CompletableFuture<Void> firstFailure = new CompletableFuture<>();
        for (int i = 0; i < n; i++) {
            Callable<T> task = taskFor.apply(i);
            CompletableFuture<T> f;
            if (task == null) {
                f = CompletableFuture.completedFuture(null);
            } else {
                try {
                    f = devices.get(i).submit(phase + " on replica " + i, task);
                } catch (RuntimeException e) {
                    f = CompletableFuture.failedFuture(e);
                }
            }
            f.whenComplete((r, e) -> {
                if (e != null) {
                    firstFailure.complete(null);
                }
            });
            futures.add(f);
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
        boolean timedOut = false;
        try {
            CompletableFuture.anyOf(all, firstFailure).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            timedOut = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplicaFailureException(0, devices.get(0).device(), phase, e);
        } catch (ExecutionException e) {
            // a failure is reported per future below
        }
        ReplicaFailureException failure = null;
        List<T> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            CompletableFuture<T> f = futures.get(i);
            Throwable cause = null;
            if (f.isCompletedExceptionally()) {
                cause = unwrap(f);
            } else if (!f.isDone()) {
                if (timedOut) {
                    cause = new TimeoutException(phase + " on replica " + i + " (" + devices.get(i).device()
                            + ") did not finish within " + timeout);
                }
            } else {
                results.add(f.join());
                continue;
            }
            results.add(null);
            if (cause != null) {
                ReplicaFailureException rf = new ReplicaFailureException(i, devices.get(i).device(), phase, cause);
                if (failure == null) {
                    failure = rf;
                } else {
                    failure.addSuppressed(rf);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    private static Throwable unwrap(CompletableFuture<?> f) {
        try {
            f.join();
            return new IllegalStateException("future completed exceptionally without a cause");
        } catch (CompletionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (CancellationException e) {
            return e;
        }
    }

    @Override
    public String toString() {
        return "ReplicaExecutor" + Arrays.toString(devices.stream().map(ComputeDevice::device).toArray()) + " timeout " + timeout;
    }
}
