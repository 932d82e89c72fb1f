package dev.kindling.spring.device;

import dev.kindling.core.device.ComputeDevice;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One compute device of the engine's {@link dev.kindling.core.device.DevicePool} with its guards: a {@link Bulkhead} bounding concurrent calls, a {@link CircuitBreaker}
 * that stops sending work to a failing accelerator, and (for accelerators) a {@link TimeLimiter} with
 * its own worker threads so a hung call can be abandoned. The CPU has a bulkhead only: it is the last
 * resort and is never switched off.
 */
public final class GuardedDevice implements AutoCloseable {

    private final ComputeDevice device;
    private final GuardSettings settings;
    private final Bulkhead bulkhead;
    private final CircuitBreaker breaker;
    private final TimeLimiter timeLimiter;
    private final ExecutorService workers;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong rejections = new AtomicLong();

    public GuardedDevice(ComputeDevice device, GuardSettings settings) {
        this(device, settings, GuardRegistries.ofDefaults());
    }

    /** A device whose guards are created in (and so reported by) {@code registries}, named {@code kindling-<device>}. */
    public GuardedDevice(ComputeDevice device, GuardSettings settings, GuardRegistries registries) {
        this.device = device;
        this.settings = settings;
        String name = guardName(device);
        this.bulkhead = registries.bulkheads().bulkhead(name, BulkheadConfig.custom()
                .maxConcurrentCalls(settings.maxConcurrentCalls())
                .maxWaitDuration(settings.maxWait())
                .build());
        if (device.device().isCpu()) {
            this.breaker = null;
            this.timeLimiter = null;
            this.workers = null;
        } else {
            this.breaker = registries.circuitBreakers().circuitBreaker(name, CircuitBreakerConfig.custom()
                    .failureRateThreshold(settings.failureRateThreshold())
                    .slowCallDurationThreshold(settings.slowCallDurationThreshold())
                    .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                    .slidingWindowSize(settings.slidingWindowSize())
                    .minimumNumberOfCalls(settings.minimumNumberOfCalls())
                    .waitDurationInOpenState(settings.waitInOpenState())
                    .permittedNumberOfCallsInHalfOpenState(settings.permittedCallsInHalfOpenState())
                    .automaticTransitionFromOpenToHalfOpenEnabled(true)
                    .build());
            this.timeLimiter = registries.timeLimiters().timeLimiter(name, TimeLimiterConfig.custom()
                    .timeoutDuration(settings.timeout())
                    .cancelRunningFuture(true)
                    .build());
            this.workers = Executors.newFixedThreadPool(settings.maxConcurrentCalls(), Thread.ofPlatform().daemon().name(name + "-", 0).factory());
        }
    }

    /** The name of a device's bulkhead, breaker and time limiter in their registries: {@code kindling-cpu:0}, {@code kindling-cuda:0}. */
    public static String guardName(ComputeDevice device) {
        return "kindling-" + device.device();
    }

    public ComputeDevice device() {
        return device;
    }

    public GuardSettings settings() {
        return settings;
    }

    public Bulkhead bulkhead() {
        return bulkhead;
    }

    /** The circuit breaker, or null for the CPU. */
    public CircuitBreaker breaker() {
        return breaker;
    }

    TimeLimiter timeLimiter() {
        return timeLimiter;
    }

    ExecutorService workers() {
        return workers;
    }

    /** State name for health reports: CLOSED, OPEN, HALF_OPEN, … ("ALWAYS_ON" for the CPU). */
    public String state() {
        return breaker == null ? "ALWAYS_ON" : breaker.getState().name();
    }

    public long calls() {
        return calls.get();
    }

    public long failures() {
        return failures.get();
    }

    public long rejections() {
        return rejections.get();
    }

    /** Calls running on the device now. */
    public int inFlight() {
        return settings.maxConcurrentCalls() - bulkhead.getMetrics().getAvailableConcurrentCalls();
    }

    void countCall() {
        calls.incrementAndGet();
    }

    void countFailure() {
        failures.incrementAndGet();
    }

    void countRejection() {
        rejections.incrementAndGet();
    }

    /** Stops the guard's workers (the device pool owns and closes the device itself). */
    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return device.device() + " [" + state() + "]";
    }
}
