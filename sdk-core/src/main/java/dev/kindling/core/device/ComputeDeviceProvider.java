package dev.kindling.core.device;

import dev.kindling.core.tensor.Device;

import java.time.Duration;

/**
 * Service-provider interface through which a backend contributes compute devices of its type to a
 * {@link DevicePool} (found with {@link java.util.ServiceLoader}; the CPU provider is built in). The
 * CUDA backend implements it with one worker per GPU stream.
 */
public interface ComputeDeviceProvider {

    /** The device type served, e.g. {@code "cuda"}. */
    String deviceType();

    /** Opens {@code device} with the given bound on tasks in flight and time a submitter may wait for room. */
    ComputeDevice open(Device device, int maxInFlight, Duration admissionTimeout);
}
