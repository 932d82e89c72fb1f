package dev.kindling.core.nn.conv;

import dev.kindling.core.backend.Backend;
import dev.kindling.core.tensor.Device;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tuner must time what an asynchronous device does, not how long enqueueing took. A stand-in
 * "device" here is a single worker thread: ops enqueue sleeps and return at once, like GPU launches, and
 * {@link Backend#synchronize} waits for the queue to drain, like a stream synchronize.
 */
class ConvAlgorithmTunerTimingTest {

    private static final Device DEVICE = new Device("async", 0);
    private final ExecutorService queue = Executors.newSingleThreadExecutor();
    private final AtomicInteger syncs = new AtomicInteger();

    @AfterEach
    void stop() throws InterruptedException {
        queue.shutdownNow();
        queue.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** A backend whose only working op is synchronize (everything else fails loudly). */
    private Backend asyncBackend() {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class}, (proxy, method, args) -> {
            if (method.getName().equals("synchronize")) {
                assertEquals(DEVICE, args[0], "synchronize called for the timed device");
                syncs.incrementAndGet();
                try {
                    queue.submit(() -> { }).get(); // FIFO: returns once all earlier work ran
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e);
                }
                return null;
            }
            throw new UnsupportedOperationException("stand-in backend has no " + method.getName());
        });
    }

    private Runnable enqueueSleep(long millis) {
        return () -> queue.submit(() -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void timesTheDeviceWorkNotTheEnqueueing() {
        ConvAlgorithmTuner.Choice c = ConvAlgorithmTuner.race(asyncBackend(), DEVICE, enqueueSleep(60), enqueueSleep(5));
        assertEquals(ConvAlgorithm.FFT, c.algorithm(), "the candidate with less device work wins: " + c);
        assertTrue(c.directNanos() >= TimeUnit.MILLISECONDS.toNanos(55), "direct timed with its device work: " + c);
        assertTrue(c.fftNanos() >= TimeUnit.MILLISECONDS.toNanos(4), "FFT timed with its device work: " + c);
        assertTrue(c.fftNanos() < c.directNanos());
        // 2 rounds (a clear winner stops the timing early) x 2 candidates x (before + after)
        assertEquals(8, syncs.get());
    }

    @Test
    void earlierDeviceWorkIsNotBilledToTheFirstCandidate() {
        enqueueSleep(80).run(); // still running when tuning starts
        ConvAlgorithmTuner.Choice c = ConvAlgorithmTuner.race(asyncBackend(), DEVICE, enqueueSleep(5), enqueueSleep(40));
        assertEquals(ConvAlgorithm.DIRECT, c.algorithm(), "work queued before tuning must not count against direct: " + c);
        assertTrue(c.directNanos() < TimeUnit.MILLISECONDS.toNanos(40), "direct timed without the earlier work: " + c);
    }

    @Test
    void aBackendWithoutFftOpsGetsDirect() {
        Runnable noFft = () -> {
            throw new UnsupportedOperationException("no FFT convolution here");
        };
        ConvAlgorithmTuner.Choice c = ConvAlgorithmTuner.race(asyncBackend(), DEVICE, enqueueSleep(2), noFft);
        assertEquals(ConvAlgorithm.DIRECT, c.algorithm());
        assertEquals(0, c.fftNanos());
        assertTrue(c.directNanos() >= TimeUnit.MILLISECONDS.toNanos(1));
    }
}
