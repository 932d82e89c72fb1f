package dev.kindling.spring.device;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code kindling.devices} and the guard settings of each device.
 */
@ConfigurationProperties("kindling")
public class KindlingDeviceProperties {

    /**
     * Devices to serve on: "auto" (every available accelerator, then the CPU), "cpu", or a comma-separated
     * list such as "cuda:0,cuda:1". The CPU is always added as the fallback.
     */
    private String devices = "auto";

    /** Guard settings applied to every device unless overridden in device-limits. */
    private Guard device = new Guard();

    /**
     * Per-device overrides of the guard settings, keyed by device name with '-' for ':' (a colon separates
     * keys from values in .properties files), e.g. {@code kindling.device-limits.cuda-0.max-concurrent-calls=8}.
     */
    private Map<String, Guard> deviceLimits = new LinkedHashMap<>();

    public String getDevices() {
        return devices;
    }

    public void setDevices(String devices) {
        this.devices = devices;
    }

    public Guard getDevice() {
        return device;
    }

    public void setDevice(Guard device) {
        this.device = device;
    }

    public Map<String, Guard> getDeviceLimits() {
        return deviceLimits;
    }

    public void setDeviceLimits(Map<String, Guard> deviceLimits) {
        this.deviceLimits = deviceLimits;
    }

    /** The guard settings of {@code deviceName}: its override where given, else the defaults. */
    public GuardSettings settingsFor(String deviceName) {
        Guard g = deviceLimits.getOrDefault(deviceName.replace(':', '-'), deviceLimits.getOrDefault(deviceName, device));
        return g.toSettings();
    }

    /** Bulkhead, circuit breaker and time limit of one device. */
    public static class Guard {

        /** Calls running on the device at once (bulkhead size). */
        private int maxConcurrentCalls = 64;

        /** How long a call may wait for a free slot before the next device is tried. */
        private Duration maxWait = Duration.ofMillis(20);

        /** Time limit of one accelerator call; a call past it is abandoned and retried on the next device. */
        private Duration timeout = Duration.ofSeconds(2);

        /** Failure percentage (0-100] that opens the breaker. */
        private float failureRateThreshold = 50f;

        /** Calls slower than this count as slow calls. */
        private Duration slowCallDurationThreshold = Duration.ofSeconds(2);

        /** Recent calls the failure rate is computed over. */
        private int slidingWindowSize = 20;

        /** Calls needed before the breaker judges the failure rate. */
        private int minimumNumberOfCalls = 10;

        /** How long an open breaker waits before letting trial calls through. */
        private Duration waitInOpenState = Duration.ofSeconds(10);

        /** Trial calls in the half-open state that decide whether the breaker closes. */
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
