package dev.kindling.core.serving.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * Completion signals for log sequences a model applies, for whoever waits on one (a caller awaiting its feedback,
 * the job runner pacing itself): no sleep-polling. The model raises {@link #signal} after it released its locks,
 * so a waiter that wakes sees the update in full and callbacks never run inside the model's critical sections.
 */
public final class AppliedSequence {

    private record Waiter(long sequence, CompletableFuture<Long> done) {
    }

    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.sequence, b.sequence));
    private long signalled;

    /** The highest sequence signalled so far. */
    public synchronized long get() {
        return signalled;
    }

    /** Everything up to {@code sequence} is applied: completes those waiting for it and wakes blocked waits. */
    public void signal(long sequence) {
        List<Waiter> ready = new ArrayList<>();
        synchronized (this) {
            if (sequence > signalled) {
                signalled = sequence;
            }
            while (!waiters.isEmpty() && waiters.peek().sequence <= signalled) {
                ready.add(waiters.poll());
            }
            notifyAll();
        }
        // Completed outside the lock: a dependent action may call back into this object.
        long at = sequence;
        ready.forEach(w -> w.done.complete(at));
    }

    /** Completes (with the sequence then signalled) once everything up to {@code sequence} is applied. */
    public CompletableFuture<Long> when(long sequence) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        long now;
        synchronized (this) {
            if (signalled < sequence) {
                waiters.add(new Waiter(sequence, f));
                return f;
            }
            now = signalled;
        }
        f.complete(now);
        return f;
    }

    /** Waits until everything up to {@code sequence} is applied or {@code timeout} passes; true if it was applied. */
    public synchronized boolean await(long sequence, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (signalled < sequence) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Fails every waiter (the model stopped learning): they would otherwise wait forever. */
    public void failWaiters(Throwable cause) {
        List<Waiter> failed;
        synchronized (this) {
            failed = new ArrayList<>(waiters);
            waiters.clear();
            notifyAll();
        }
        failed.forEach(w -> w.done.completeExceptionally(cause));
    }
}
