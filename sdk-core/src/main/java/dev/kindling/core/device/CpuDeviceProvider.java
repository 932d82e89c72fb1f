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
        if (!device.isCpu()) {
            throw new IllegalArgumentException("the CPU provider opens cpu devices, got " + device);
        }
        return new WorkerDevice(device, maxInFlight, admissionTimeout);
    }
}
