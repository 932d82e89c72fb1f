package dev.kindling.spring.device;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code kindling.routing.*}: which devices serve classifications and the guards (bulkhead, circuit breaker, time
 * limit) around each. Replaces {@code kindling.devices}, {@code kindling.device.*} and {@code kindling.device-limits.*},
 * which still work (deprecated) through {@code LegacyPropertyNames}.
 */
@Validated
@ConfigurationProperties(prefix = "kindling.routing", ignoreUnknownFields = false)
public class RoutingProperties {

    /**
     * Devices to serve on: "auto" (every available accelerator, then the CPU), "cpu", or a comma-separated
     * list such as "cuda:0,cuda:1". The CPU is always added as the fallback.
     */
    @NotBlank
    private String devices = "auto";

    /** Guard settings every device gets unless device-guards overrides them for it. */
    @Valid
    private Guard defaultGuard = new Guard();

    /**
     * Per-device overrides of the guard settings, keyed by device name with '-' for ':' (a colon separates
     * keys from values in .properties files), e.g. {@code kindling.routing.device-guards.cuda-0.max-concurrent-calls=8}.
     */
    @Valid
    private Map<String, Guard> deviceGuards = new LinkedHashMap<>();

    public String getDevices() {
        return devices;
    }

    public void setDevices(String devices) {
        this.devices = devices;
    }

    public Guard getDefaultGuard() {
        return defaultGuard;
    }

    public void setDefaultGuard(Guard defaultGuard) {
        this.defaultGuard = defaultGuard;
    }

    public Map<String, Guard> getDeviceGuards() {
        return deviceGuards;
    }

    public void setDeviceGuards(Map<String, Guard> deviceGuards) {
        this.deviceGuards = deviceGuards;
    }

    /** The guard settings of {@code deviceName}: its override where given, else the defaults. */
    public GuardSettings settingsFor(String deviceName) {
        Guard g = deviceGuards.getOrDefault(deviceName.replace(':', '-'), deviceGuards.getOrDefault(deviceName, defaultGuard));
        return g.toSettings();
    }

    /** Bulkhead, circuit breaker and time limit of one device. */
    public static class Guard {

        /** Calls running on the device at once (bulkhead size). */
        @Min(1)
        private int maxConcurrentCalls = 64;

        /** How long a call may wait for a free slot before the next device is tried. */
        @NotNull
        private Duration maxWait = Duration.ofMillis(20);

        /** Time limit of one accelerator call; a call past it is abandoned and retried on the next device. */
        @NotNull
        private Duration timeout = Duration.ofSeconds(2);

        /** Failure percentage (0-100] that opens the breaker. */
        @DecimalMin(value = "0", inclusive = false)
        @DecimalMax("100")
        private float failureRateThreshold = 50f;

        /** Calls slower than this count as slow calls. */
        private Duration slowCallDurationThreshold = Duration.ofSeconds(2);

        /** Recent calls the failure rate is computed over. */
        @Min(1)
        private int slidingWindowSize = 20;

        /** Calls needed before the breaker judges the failure rate. */
        @Min(1)
        private int minimumNumberOfCalls = 10;

        /** How long an open breaker waits before letting trial calls through. */
        private Duration waitInOpenState = Duration.ofSeconds(10);

        /** Trial calls in the half-open state that decide whether the breaker closes. */
        @Min(1)
        private int permittedCallsInHalfOpenState = 3;

        GuardSettings toSettings() {
            return new GuardSettings(maxConcurrentCalls, maxWait, timeout, failureRateThreshold, slowCallDurationThreshold,
                    slidingWindowSize, minimumNumberOfCalls, waitInOpenState, permittedCallsInHalfOpenState);
        }

        public int getMaxConcurrentCalls() {
            return maxConcurrentCalls;
        }

        public void setMaxConcurrentCalls(int maxConcurrentCalls) {
            this.maxConcurrentCalls = maxConcurrentCalls;
        }

        public Duration getMaxWait() {
            return maxWait;
        }

        public void setMaxWait(Duration maxWait) {
            this.maxWait = maxWait;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public float getFailureRateThreshold() {
            return failureRateThreshold;
        }

        public void setFailureRateThreshold(float failureRateThreshold) {
            this.failureRateThreshold = failureRateThreshold;
        }

        public Duration getSlowCallDurationThreshold() {
            return slowCallDurationThreshold;
        }

        public void setSlowCallDurationThreshold(Duration slowCallDurationThreshold) {
            this.slowCallDurationThreshold = slowCallDurationThreshold;
        }

        public int getSlidingWindowSize() {
            return slidingWindowSize;
        }

        public void setSlidingWindowSize(int slidingWindowSize) {
            this.slidingWindowSize = slidingWindowSize;
        }

        public int getMinimumNumberOfCalls() {
            return minimumNumberOfCalls;
        }

        public void setMinimumNumberOfCalls(int minimumNumberOfCalls) {
            this.minimumNumberOfCalls = minimumNumberOfCalls;
        }

        public Duration getWaitInOpenState() {
            return waitInOpenState;
        }

        public void setWaitInOpenState(Duration waitInOpenState) {
            this.waitInOpenState = waitInOpenState;
        }

        public int getPermittedCallsInHalfOpenState() {
            return permittedCallsInHalfOpenState;
        }

        public void setPermittedCallsInHalfOpenState(int permittedCallsInHalfOpenState) {
            this.permittedCallsInHalfOpenState = permittedCallsInHalfOpenState;
        }
    }
}
