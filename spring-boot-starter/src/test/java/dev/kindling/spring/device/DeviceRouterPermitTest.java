package dev.kindling.spring.device;

import io.github.resilience4j.bulkhead.BulkheadFullException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way out of the router gives back the circuit breaker's permit, so a half-open breaker cannot get stuck. */
class DeviceRouterPermitTest {

    @Test
    void anInterruptedWaitForTheBulkheadReleasesTheHalfOpenPermit() {
        GuardSettings one = new GuardSettings(1, Duration.ofMillis(50), Duration.ofSeconds(1), 50f, Duration.ofSeconds(1), 4, 4,
                Duration.ofSeconds(30), 1);
        DeviceRouterTest.FaultyAccelerator gpu = new DeviceRouterTest.FaultyAccelerator();
        try (DeviceRouter router = new DeviceRouter(List.of(DeviceRouterTest.cpu(one), DeviceRouterTest.cuda0(one)))) {
            GuardedDevice g = router.guardedDevices().get(0);
            g.breaker().transitionToOpenState();
            g.breaker().transitionToHalfOpenState();
            g.bulkhead().acquirePermission();   // the accelerator is busy
            Thread.currentThread().interrupt();
            RuntimeException e = assertThrows(RuntimeException.class, () -> router.execute(d -> true, gpu.work(d -> "served on " + d)));
            assertFalse(e instanceof BulkheadFullException, "an interrupted wait is not a full bulkhead: " + e);
            assertTrue(Thread.interrupted(), "the interrupt stays visible to the caller");
            g.bulkhead().onComplete();

            dev.kindling.core.serving.routing.InferenceRouter.Routed<String> r = router.execute(d -> true, gpu.work(d -> "served on " + d));
            assertEquals("served on cuda:0", r.value(), "the half-open breaker still has its trial permit");
            assertFalse(r.fellBack());
        }
    }
}
