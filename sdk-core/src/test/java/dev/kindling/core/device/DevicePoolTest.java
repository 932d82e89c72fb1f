package dev.kindling.core.device;

import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class DevicePoolTest {

    @Test
    void cpuPoolHasOneWorkerThreadPerDevice() throws Exception {
        try (DevicePool pool = DevicePool.cpu(3)) {
            assertEquals(3, pool.size());
            for (int i = 0; i < 3; i++) {
                ComputeDevice d = pool.get(i);
                assertEquals(new Device("cpu", i), d.device());
                String thread = d.submit("name", () -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS);
                assertEquals("kindling-cpu:" + i, thread);
                assertTrue(d.submit("check", d::isWorkerThread).get(5, TimeUnit.SECONDS));
                assertFalse(d.isWorkerThread());
            }
        }
    }

    @Test
    void statisticsCountTasksFailuresBusyTimeAndBytes() throws Exception {
        try (DevicePool pool = DevicePool.cpu(1)) {
            ComputeDevice d = pool.get(0);
            d.submit("sleep", () -> {
                Thread.sleep(20);
                return null;
            }).get(5, TimeUnit.SECONDS);
            CompletableFuture<Object> bad = d.submit("fail", () -> {
                throw new IllegalStateException("boom");
            });
            ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(5, TimeUnit.SECONDS));
            assertEquals("boom", e.getCause().getMessage());
            Tensor t = Tensor.zeros(new Device("cpu", 5), 10, 10);
            Tensor moved = d.copyIn(t);
            assertEquals(d.device(), moved.device());
            assertSame(moved, d.copyIn(moved), "a tensor already on the device is not copied");
            DeviceStats s = d.stats();
            assertEquals(1, s.tasksCompleted());
            assertEquals(1, s.tasksFailed());
            assertTrue(s.busyNanos() >= 15_000_000L, "busy time covers the 20 ms task: " + s);
            assertEquals(400, s.bytesMoved());
            assertEquals(0, s.queueDepth());
            assertEquals(0, s.inFlight());
        }
    }

    @Test
    void inFlightBoundMakesSubmittersWaitAndThenRejects() throws Exception {
        try (DevicePool pool = DevicePool.open(List.of(Device.CPU), 2, Duration.ofMillis(200))) {
            ComputeDevice d = pool.get(0);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<Object> a = d.submit("a", () -> {
                started.countDown();
                release.await(10, TimeUnit.SECONDS);
                return null;
            });
            CompletableFuture<Object> b = d.submit("b", () -> null);
            assertTrue(started.await(5, TimeUnit.SECONDS));
            DeviceStats s = d.stats();
            assertEquals(2, s.inFlight());
            assertEquals(1, s.queueDepth());
            long t0 = System.nanoTime();
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> d.submit("c", () -> null));
            assertTrue(System.nanoTime() - t0 >= 150_000_000L, "waited for room before rejecting");
            assertTrue(e.getMessage().contains("2 tasks in flight"), e.getMessage());
            release.countDown();
            a.get(5, TimeUnit.SECONDS);
            b.get(5, TimeUnit.SECONDS);
            int maxDepth = d.stats().maxQueueDepth();
            assertTrue(maxDepth >= 1 && maxDepth <= 2, "max queue depth " + maxDepth);
            d.submit("d", () -> null).get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void submittingFromTheWorkerItselfRunsInline() throws Exception {
        try (DevicePool pool = DevicePool.cpu(1, 1)) {
            ComputeDevice d = pool.get(0);
            int v = d.submit("outer", () -> d.submit("inner", () -> 41).get(1, TimeUnit.SECONDS) + 1).get(5, TimeUnit.SECONDS);
            assertEquals(42, v);
        }
    }

    @Test
    void closeCancelsQueuedTasksAndRejectsNewOnes() throws Exception {
        DevicePool pool = DevicePool.cpu(1);
        ComputeDevice d = pool.get(0);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Object> running = d.submit("long", () -> {
            started.countDown();
            Thread.sleep(60_000);
            return null;
        });
        CompletableFuture<Object> queued = d.submit("queued", () -> null);
        assertTrue(started.await(5, TimeUnit.SECONDS));
        pool.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> running.get(5, TimeUnit.SECONDS));
        assertInstanceOf(InterruptedException.class, e.getCause());
        CancellationException q = assertThrows(CancellationException.class, () -> queued.get(5, TimeUnit.SECONDS));
        assertTrue(String.valueOf(q.getCause()).contains("closed before 'queued' ran"), String.valueOf(q.getCause()));
        assertThrows(RejectedExecutionException.class, () -> d.submit("late", () -> null));
    }

    @Test
    void badConfigurationsAreRejected() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> DevicePool.cpu(0));
        assertTrue(zero.getMessage().contains("at least one"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DevicePool.of(List.of()));
        assertThrows(IllegalArgumentException.class, () -> DevicePool.cpu(2, 0));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> DevicePool.open(List.of(new Device("tpu", 0)), 1, Duration.ofSeconds(1)));
        assertTrue(unknown.getMessage().contains("tpu:0"), unknown.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> DevicePool.open(List.of(Device.CPU, new Device("cpu", 0)), 1, Duration.ofSeconds(1)));
        assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
    }
}
