package dev.kindling.cuda;

import dev.kindling.core.backend.Backend;
import dev.kindling.core.backend.Backends;
import dev.kindling.core.device.ComputeDevice;
import dev.kindling.core.device.ComputeDeviceProvider;
import dev.kindling.core.device.WorkerDevice;
import dev.kindling.core.tensor.Device;

import java.time.Duration;

/**
 * Lets GPUs join a {@link dev.kindling.core.device.DevicePool}: {@code cuda:i} opens as a worker thread that
 * issues that GPU's work in submission order (the CUDA backend makes the device's context current for each
 * operation, so any thread may issue it). Fails with the backend's reason where no usable GPU is present.
 */
public final class CudaDeviceProvider implements ComputeDeviceProvider {

    @Override
    public String deviceType() {
        return "cuda";
    }

    @Override
    public ComputeDevice open(Device device, int maxInFlight, Duration admissionTimeout) {
        if (!device.type().equals("cuda")) {
            throw new IllegalArgumentException("the CUDA provider opens cuda devices, got " + device);
        }
        if (!Backends.isAvailable("cuda")) {
            throw new IllegalStateException("cannot open " + device + ": the CUDA backend is unavailable: "
                    + Backends.unavailable().get("cuda"));
        }
        Backend backend = Backends.forDevice(device);
        if (!backend.devices().contains(device)) {
            throw new IllegalArgumentException("no CUDA device " + device + "; this machine has " + backend.devices());
        }
        return new WorkerDevice(device, maxInFlight, admissionTimeout);
    }
}
