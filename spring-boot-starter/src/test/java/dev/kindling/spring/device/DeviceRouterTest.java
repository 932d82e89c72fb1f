package dev.kindling.spring.device;

import dev.kindling.core.serving.routing.DeviceBusyException;
import dev.kindling.core.serving.routing.DeviceSelection;
import dev.kindling.core.serving.routing.NoDeviceAvailableException;
import dev.kindling.core.device.WorkerDevice;
import dev.kindling.core.serving.routing.InferenceRouter;
import dev.kindling.core.tensor.Device;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The device pool's guards with an injected faulty accelerator: every request still gets an answer. */
class DeviceRouterTest {

    /**
     * An accelerator whose faults the test switches on and off: the router routes by device, so the fault is
     * injected in the work it gives the accelerator (as a failing kernel would surface).
     */
    static final class FaultyAccelerator {
        volatile boolean failing;
        final AtomicInteger calls = new AtomicInteger();

        <T> Function<Device, Callable<T>> work(Function<Device, T> answer) {
            return d -> () -> {
                if (!d.isCpu()) {
                    calls.incrementAndGet();
                    if (failing) {
                        throw new IllegalStateException("injected GPU fault");
                    }
                }
                return answer.apply(d);
            };
        }
    }

    static GuardedDevice cpu(GuardSettings s) {
        return new GuardedDevice(new WorkerDevice(Device.CPU, 8, Duration.ofSeconds(1)), s);
    }

    static GuardedDevice cuda0(GuardSettings s) {
        return new GuardedDevice(new WorkerDevice(Device.cuda(0), 8, Duration.ofSeconds(1)), s);
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
        router = new DeviceRouter(List.of(cpu(settings(4, Duration.ofMillis(300))),
                cuda0(settings(4, Duration.ofMillis(300)))));
        GuardedDevice g = router.guardedDevices().get(0);
        assertEquals("cuda:0", g.device().device().toString(), "accelerators are tried first");

        InferenceRouter.Routed<String> ok = router.execute(d -> true, gpu.work(d -> "served on " + d));
        assertEquals("served on cuda:0", ok.value());
        assertFalse(ok.fellBack());

        gpu.failing = true;
        for (int i = 0; i < 4; i++) {
            InferenceRouter.Routed<String> r = router.execute(d -> true, gpu.work(d -> "served on " + d));
            assertEquals("served on cpu:0", r.value(), "a failing GPU must not fail the request");
            assertTrue(r.fellBack());
        }
        assertEquals("OPEN", g.state());
        int callsWhenOpen = gpu.calls.get();
        for (int i = 0; i < 10; i++) {
            assertEquals("served on cpu:0", router.execute(d -> true, gpu.work(d -> "served on " + d)).value());
        }
        assertEquals(callsWhenOpen, gpu.calls.get(), "an open breaker sends no work to the GPU");

        gpu.failing = false;
        Thread.sleep(450);   // past wait-in-open-state: the breaker lets trial calls through
        assertEquals("served on cuda:0", router.execute(d -> true, gpu.work(d -> "served on " + d)).value());
        assertEquals("served on cuda:0", router.execute(d -> true, gpu.work(d -> "served on " + d)).value());
        assertEquals("CLOSED", g.state(), "two successful trial calls close the breaker");
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 30, unit = TimeUnit.SECONDS)
    void hungGpuCallTimesOutAndCpuAnswers() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        router = new DeviceRouter(List.of(cuda0(settings(10, Duration.ofSeconds(5))),
                cpu(settings(10, Duration.ofSeconds(5)))));
        try {
            // Without the time limit this call would wait forever (and the test's timeout would fail it).
            InferenceRouter.Routed<Integer> r = router.execute(d -> true, d -> () -> {
                if (!d.isCpu()) {
                    never.await();   // a GPU call that never returns
                }
                return 42;
            });
            assertEquals(42, r.value());
            assertTrue(r.fellBack());
            assertEquals(1, never.getCount(), "the hung GPU call was abandoned, not completed");
            assertEquals(1, router.guardedDevices().get(0).failures());
        } finally {
            never.countDown();
        }
    }

    @Test
    void callerErrorsPropagateWithoutTrippingTheBreaker() {
        FaultyAccelerator gpu = new FaultyAccelerator();
        router = new DeviceRouter(List.of(cuda0(settings(2, Duration.ofSeconds(5))),
                cpu(settings(2, Duration.ofSeconds(5)))));
        for (int i = 0; i < 5; i++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> router.execute(d -> true, d -> () -> {
                throw new IllegalArgumentException("k must be positive");
            }));
            assertEquals("k must be positive", e.getMessage());
        }
        assertEquals("CLOSED", router.guardedDevices().get(0).state());
        assertEquals(0, router.guardedDevices().get(0).failures());
    }

    @Test
    void fullBulkheadsGiveBusyWithRetryAfter() throws Exception {
        GuardSettings one = new GuardSettings(1, Duration.ZERO, Duration.ofSeconds(1), 50f, Duration.ofSeconds(1), 5, 5,
                Duration.ofSeconds(1), 1);
        router = new DeviceRouter(List.of(cpu(one)));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> router.execute(d -> true, d -> () -> {
            inside.countDown();
            release.await(5, TimeUnit.SECONDS);
            return 0;
        }));
        assertTrue(inside.await(5, TimeUnit.SECONDS));
        DeviceBusyException busy = assertThrows(DeviceBusyException.class, () -> router.execute(d -> true, d -> () -> 1));
        assertTrue(busy.retryAfter().toSeconds() >= 1);
        release.countDown();
        holder.join(5_000);
        assertEquals(1, router.execute(d -> true, d -> () -> 1).value());
    }

    @Test
    void aModelsDeviceListKeepsItOffOtherAccelerators() throws Exception {
        FaultyAccelerator gpu = new FaultyAccelerator();
        router = new DeviceRouter(List.of(cuda0(settings(4, Duration.ofSeconds(1))),
                cpu(settings(4, Duration.ofSeconds(1)))));
        DeviceSelection onlyCuda1 = DeviceSelection.parse("cuda:1");
        InferenceRouter.Routed<String> r = router.execute(onlyCuda1::includes, gpu.work(Device::toString));
        assertEquals("cpu:0", r.value());
        assertEquals(0, gpu.calls.get(), "cuda:0 is not in the model's list");
        assertEquals("cuda:0", router.execute(DeviceSelection.parse("auto")::includes, gpu.work(Device::toString)).value());
    }

    @Test
    void cpuFailureIsNoDeviceAvailable() {
        router = new DeviceRouter(List.of(cpu(settings(2, Duration.ofSeconds(1)))));
        NoDeviceAvailableException e = assertThrows(NoDeviceAvailableException.class, () -> router.execute(d -> true, d -> () -> {
            throw new OutOfMemoryError("simulated");
        }));
        assertTrue(e.getMessage().contains("simulated"), e.getMessage());
    }

    @Test
    void badConfigurationsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new DeviceRouter(List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new DeviceRouter(List.of(cuda0(settings(2, Duration.ofSeconds(1))))));
        assertThrows(IllegalArgumentException.class, () -> new GuardSettings(0, Duration.ZERO, Duration.ofSeconds(1), 50f,
                Duration.ofSeconds(1), 1, 1, Duration.ofSeconds(1), 1));
        assertThrows(IllegalArgumentException.class, () -> DeviceSelection.parse("cuda:0,,cpu"));
        assertThrows(IllegalArgumentException.class, () -> DeviceSelection.parse("cuda:x"));
        assertEquals(List.of(Device.cuda(0), Device.cuda(1)), DeviceSelection.parse(" cuda:0, cuda:1").requested());
    }
}
