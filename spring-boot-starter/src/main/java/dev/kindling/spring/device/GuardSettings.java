package dev.kindling.spring.device;

import java.time.Duration;

/**
 * Limits and breaker settings for one device.
 *
 * @param maxConcurrentCalls        bulkhead size: calls running on the device at once
 * @param maxWait                   how long a call may wait for a bulkhead slot before trying the next device
 * @param timeout                   time limit of one call on an accelerator (the CPU path is not cut off)
 * @param failureRateThreshold      percentage of failed calls that opens the breaker
 * @param slowCallDurationThreshold calls slower than this count as slow
 * @param slidingWindowSize         number of recent calls the failure rate is computed over
 * @param minimumNumberOfCalls      calls needed before the failure rate is judged
 * @param waitInOpenState           how long the breaker stays open before letting trial calls through
 * @param permittedCallsInHalfOpenState trial calls that decide whether the breaker closes again
 */
public record GuardSettings(int maxConcurrentCalls, Duration maxWait, Duration timeout, float failureRateThreshold,
                            Duration slowCallDurationThreshold, int slidingWindowSize, int minimumNumberOfCalls,
                            Duration waitInOpenState, int permittedCallsInHalfOpenState) {

    public GuardSettings {
        if (maxConcurrentCalls < 1) {
            throw new IllegalArgumentException("max-concurrent-calls must be >= 1, got " + maxConcurrentCalls);
        }
        if (maxWait.isNegative() || timeout.isNegative() || timeout.isZero() || waitInOpenState.isNegative()
                || slowCallDurationThreshold.isNegative()) {
            throw new IllegalArgumentException("device guard durations must be positive (timeout > 0), got max-wait=" + maxWait
                    + " timeout=" + timeout + " wait-in-open-state=" + waitInOpenState);
        }
        if (!(failureRateThreshold > 0 && failureRateThreshold <= 100)) {
            throw new IllegalArgumentException("failure-rate-threshold must be in (0, 100], got " + failureRateThreshold);
        }
        if (slidingWindowSize < 1 || minimumNumberOfCalls < 1 || permittedCallsInHalfOpenState < 1) {
            throw new IllegalArgumentException("sliding-window-size, minimum-number-of-calls and permitted-calls-in-half-open-state"
                    + " must be >= 1");
        }
    }
}
