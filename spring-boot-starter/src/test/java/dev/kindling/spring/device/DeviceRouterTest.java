package dev.kindling.spring.device;

import dev.kindling.core.tensor.Device;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The device pool's guards with an injected faulty accelerator: every request still gets an answer. */
class DeviceRouterTest {

    /** An accelerator whose faults the test switches on and off. */
    static final class FaultyAccelerator implements InferenceDevice {
        volatile boolean failing;
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Device device() {
            return Device.cuda(0);
        }

        @Override
        public <T> T execute(Callable<T> work) throws Exception {
            calls.incrementAndGet();
            if (failing) {
                throw new IllegalStateException("injected GPU fault");
            }
            return work.call();
        }
    }

    private static GuardSettings settings(int window, Duration open) {
        return new GuardSettings(4, Duration.ofMillis(10), Duration.ofMillis(200), 50f, Duration.ofSeconds(1), window, window, open, 2);
    }

    private DeviceRouter router;

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
    }

    @Test
    void failingGpuFallsBackToCpuAndBreakerOpensAndClosesAsConfigured() throws Exception {
        FaultyAccelerator gpu = new FaultyAccelerator();
        router = new DeviceRouter(List.of(new GuardedDevice(new CpuInferenceDevice(), settings(4, Duration.ofMillis(300))),
                new GuardedDevice(gpu, settings(4, Duration.ofMillis(300)))));
        GuardedDevice g = router.devices().get(0);
        assertEquals("cuda:0", g.device().device().toString(), "accelerators are tried first");

        DeviceRouter.Routed<String> ok = router.execute(d -> () -> "served on " + d.device());
        assertEquals("served on cuda:0", ok.value());
        assertFalse(ok.fellBack());

        gpu.failing = true;
        for (int i = 0; i < 4; i++) {
            DeviceRouter.Routed<String> r = router.execute(d -> () -> "served on " + d.device());
            assertEquals("served on cpu:0", r.value(), "a failing GPU must not fail the request");
            assertTrue(r.fellBack());
        }
        assertEquals("OPEN", g.state());
        int callsWhenOpen = gpu.calls.get();
        for (int i = 0; i < 10; i++) {
            assertEquals("served on cpu:0", router.execute(d -> () -> "served on " + d.device()).value());
        }
        assertEquals(callsWhenOpen, gpu.calls.get(), "an open breaker sends no work to the GPU");

        gpu.failing = false;
        Thread.sleep(450);   // past wait-in-open-state: the breaker lets trial calls through
        assertEquals("served on cuda:0", router.execute(d -> () -> "served on " + d.device()).value());
        assertEquals("served on cuda:0", router.execute(d -> () -> "served on " + d.device()).value());
        assertEquals("CLOSED", g.state(), "two successful trial calls close the breaker");
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 30, unit = TimeUnit.SECONDS)
    void hungGpuCallTimesOutAndCpuAnswers() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        InferenceDevice hung = new InferenceDevice() {
            @Override
            public Device device() {
                return Device.cuda(0);
            }

            @Override
            public <T> T execute(Callable<T> work) throws Exception {
                never.await();   // a GPU call that never returns
                return work.call();
            }
        };
        router = new DeviceRouter(List.of(new GuardedDevice(hung, settings(10, Duration.ofSeconds(5))),
                new GuardedDevice(new CpuInferenceDevice(), settings(10, Duration.ofSeconds(5)))));
        try {
            // Without the time limit this call would wait forever (and the test's timeout would fail it).
            DeviceRouter.Routed<Integer> r = router.execute(d -> () -> 42);
            assertEquals(42, r.value());
            assertTrue(r.fellBack());
            assertEquals(1, never.getCount(), "the hung GPU call was abandoned, not completed");
            assertEquals(1, router.devices().get(0).failures());
        } finally {
            never.countDown();
        }
    }

    @Test
    void callerErrorsPropagateWithoutTrippingTheBreaker() {
        FaultyAccelerator gpu = new FaultyAccelerator();
        router = new DeviceRouter(List.of(new GuardedDevice(gpu, settings(2, Duration.ofSeconds(5))),
                new GuardedDevice(new CpuInferenceDevice(), settings(2, Duration.ofSeconds(5)))));
        for (int i = 0; i < 5; i++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> router.execute(d -> () -> {
                throw new IllegalArgumentException("k must be positive");
            }));
            assertEquals("k must be positive", e.getMessage());
        }
        assertEquals("CLOSED", router.devices().get(0).state());
        assertEquals(0, router.devices().get(0).failures());
    }

    @Test
    void fullBulkheadsGiveBusyWithRetryAfter() throws Exception {
        GuardSettings one = new GuardSettings(1, Duration.ZERO, Duration.ofSeconds(1), 50f, Duration.ofSeconds(1), 5, 5,
                Duration.ofSeconds(1), 1);
        router = new DeviceRouter(List.of(new GuardedDevice(new CpuInferenceDevice(), one)));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> router.execute(d -> () -> {
            inside.countDown();
            release.await(5, TimeUnit.SECONDS);
            return 0;
        }));
        assertTrue(inside.await(5, TimeUnit.SECONDS));
        DeviceBusyException busy = assertThrows(DeviceBusyException.class, () -> router.execute(d -> () -> 1));
        assertTrue(busy.retryAfter().toSeconds() >= 1);
        release.countDown();
        holder.join(5_000);
        assertEquals(1, router.execute(d -> () -> 1).value());
    }

    @Test
    void aModelsDeviceListKeepsItOffOtherAccelerators() throws Exception {
        FaultyAccelerator gpu = new FaultyAccelerator();
        router = new DeviceRouter(List.of(new GuardedDevice(gpu, settings(4, Duration.ofSeconds(1))),
                new GuardedDevice(new CpuInferenceDevice(), settings(4, Duration.ofSeconds(1)))));
        DeviceSelection onlyCuda1 = DeviceSelection.parse("cuda:1");
        DeviceRouter.Routed<String> r = router.execute(onlyCuda1::includes, d -> () -> d.device().toString());
        assertEquals("cpu:0", r.value());
        assertEquals(0, gpu.calls.get(), "cuda:0 is not in the model's list");
        assertEquals("cuda:0", router.execute(DeviceSelection.parse("auto")::includes, d -> () -> d.device().toString()).value());
    }

    @Test
    void cpuFailureIsNoDeviceAvailable() {
        router = new DeviceRouter(List.of(new GuardedDevice(new CpuInferenceDevice(), settings(2, Duration.ofSeconds(1)))));
        NoDeviceAvailableException e = assertThrows(NoDeviceAvailableException.class, () -> router.execute(d -> () -> {
            throw new OutOfMemoryError("simulated");
        }));
        assertTrue(e.getMessage().contains("simulated"), e.getMessage());
    }

    @Test
    void badConfigurationsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new DeviceRouter(List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new DeviceRouter(List.of(new GuardedDevice(new FaultyAccelerator(), settings(2, Duration.ofSeconds(1))))));
        assertThrows(IllegalArgumentException.class, () -> new GuardSettings(0, Duration.ZERO, Duration.ofSeconds(1), 50f,
                Duration.ofSeconds(1), 1, 1, Duration.ofSeconds(1), 1));
        assertThrows(IllegalArgumentException.class, () -> DeviceSelection.parse("cuda:0,,cpu"));
        assertThrows(IllegalArgumentException.class, () -> DeviceSelection.parse("cuda:x"));
        assertEquals(List.of(Device.cuda(0), Device.cuda(1)), DeviceSelection.parse(" cuda:0, cuda:1").requested());
    }
}
