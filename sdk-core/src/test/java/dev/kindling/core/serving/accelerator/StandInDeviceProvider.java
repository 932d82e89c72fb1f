package dev.kindling.core.serving.accelerator;

import dev.kindling.core.device.ComputeDevice;
import dev.kindling.core.device.ComputeDeviceProvider;
import dev.kindling.core.device.WorkerDevice;
import dev.kindling.core.tensor.Device;

import java.time.Duration;

/** Opens the stand-in accelerator's devices for a {@link dev.kindling.core.device.DevicePool}. */
public final class StandInDeviceProvider implements ComputeDeviceProvider {

    @Override
    public String deviceType() {
        return StandInAcceleratorBackend.TYPE;
    }

    @Override
    public ComputeDevice open(Device device, int maxInFlight, Duration admissionTimeout) {
        return new WorkerDevice(device, maxInFlight, admissionTimeout);
    }
}
