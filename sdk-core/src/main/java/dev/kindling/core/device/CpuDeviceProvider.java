package dev.kindling.core.device;

import dev.kindling.core.tensor.Device;

import java.time.Duration;

/** Opens CPU worker devices ({@code cpu:0}, {@code cpu:1}, …). */
public final class CpuDeviceProvider implements ComputeDeviceProvider {

    @Override
    public String deviceType() {
        return "cpu";
    }

    @Override
    public ComputeDevice open(Device device, int maxInFlight, Duration admissionTimeout) {
        return new CpuWorkerDevice(device, maxInFlight, admissionTimeout);
    }
}
