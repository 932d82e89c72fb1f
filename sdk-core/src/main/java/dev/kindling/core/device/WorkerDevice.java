package dev.kindling.core.device;

import dev.kindling.core.tensor.Device;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A compute device served by one daemon worker thread draining a FIFO queue. For a CPU device
 * ({@code cpu:i}, ordinary host tensors) the worker is the compute, so the replicas of a data-parallel
 * model really run side by side; for a GPU ({@code cuda:i}) it is the host thread that issues the device's
 * work in order, while other devices' workers issue theirs.
 */
public final class WorkerDevice implements ComputeDevice {

    /** How long {@link #close()} waits for a running task to notice the interrupt. */
    private static final long CLOSE_WAIT_MS = 2_000;

    private final Device device;
    private final int maxInFlight;
    private final Duration admissionTimeout;
    private final Semaphore slots;
    private final BlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean closed;

    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger maxQueued = new AtomicInteger();
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder busyNanos = new LongAdder();
    private final AtomicLong bytesMoved = new AtomicLong();

    public WorkerDevice(Device device, int maxInFlight, Duration admissionTimeout) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be >= 1, got " + maxInFlight + " for " + device);
        }
        if (admissionTimeout == null || admissionTimeout.isNegative() || admissionTimeout.isZero()) {
            throw new IllegalArgumentException("admission timeout must be positive, got " + admissionTimeout + " for " + device);
        }
        this.device = device;
        this.maxInFlight = maxInFlight;
        this.admissionTimeout = admissionTimeout;
        this.slots = new Semaphore(maxInFlight);
        this.worker = Thread.ofPlatform().daemon().name("kindling-" + device).unstarted(this::drain);
        this.worker.start();
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public int maxInFlight() {
        return maxInFlight;
    }

    @Override
    public boolean isWorkerThread() {
        return Thread.currentThread() == worker;
    }

    @Override
    public <T> CompletableFuture<T> submit(String label, Callable<T> task) {
        Job<T> job = new Job<>(label, task);
        if (isWorkerThread()) {
            job.run();
            return job.future;
        }
        checkOpen(label);
        try {
            if (!slots.tryAcquire(admissionTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new RejectedExecutionException(device + " is full: " + maxInFlight + " tasks in flight for longer than "
                        + admissionTimeout + "; could not queue '" + label + "'");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting to queue '" + label + "' on " + device, e);
        }
        job.holdsSlot = true;
        int depth = queued.incrementAndGet();
        maxQueued.accumulateAndGet(depth, Math::max);
        queue.add(job);
        if (closed && queue.remove(job)) {
            queued.decrementAndGet();
            job.cancel();
        }
        return job.future;
    }

    private void checkOpen(String label) {
        if (closed) {
            throw new RejectedExecutionException(device + " is closed; cannot run '" + label + "'");
        }
    }

    private void drain() {
        while (!closed) {
            Job<?> job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                break;
            }
            queued.decrementAndGet();
            job.run();
        }
        Job<?> left;
        while ((left = queue.poll()) != null) {
            queued.decrementAndGet();
            left.cancel();
        }
    }

    @Override
    public void recordBytesMoved(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes moved must be >= 0, got " + bytes);
        }
        bytesMoved.addAndGet(bytes);
    }

    @Override
    public DeviceStats stats() {
        int depth = Math.max(0, queued.get());
        return new DeviceStats(device, completed.sum(), failed.sum(), busyNanos.sum(), depth,
                maxInFlight - slots.availablePermits(), maxQueued.get(), bytesMoved.get());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        worker.interrupt();
        try {
            worker.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Job<?>> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(Job::cancel);
    }

    @Override
    public String toString() {
        return "WorkerDevice(" + device + ", maxInFlight " + maxInFlight + ")";
    }

    /** A queued task with its future; releases its in-flight slot exactly once. */
    private final class Job<T> implements Runnable {
        final String label;
        final Callable<T> task;
        final CompletableFuture<T> future = new CompletableFuture<>();
        boolean holdsSlot;

        Job(String label, Callable<T> task) {
            this.label = label;
            this.task = task;
        }

        @Override
        public void run() {
            long t0 = System.nanoTime();
            try {
                T result = task.call();
                completed.increment();
                future.complete(result);
            } catch (Throwable e) {
                failed.increment();
                future.completeExceptionally(e);
            } finally {
                busyNanos.add(System.nanoTime() - t0);
                release();
            }
        }

        void cancel() {
            future.completeExceptionally(new CancellationException(device + " was closed before '" + label + "' ran"));
            release();
        }

        private void release() {
            if (holdsSlot) {
                holdsSlot = false;
                slots.release();
            }
        }
    }
}
