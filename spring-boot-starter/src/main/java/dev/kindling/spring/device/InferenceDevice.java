package dev.kindling.spring.device;

import dev.kindling.core.tensor.Device;

import java.util.concurrent.Callable;

/**
 * A device that can run inference work: the CPU, or an accelerator whose backend binds its context
 * before running the work. The {@link DeviceRouter} guards each one with a bulkhead, a circuit
 * breaker and a time limit; implementations only run the work and report failures by throwing.
 */
public interface InferenceDevice {

    Device device();

    default boolean isCpu() {
        return device().isCpu();
    }

    /** Runs {@code work} on this device's execution context and returns its result. */
    <T> T execute(Callable<T> work) throws Exception;
}
