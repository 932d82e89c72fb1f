package dev.kindling.cuda;

import dev.kindling.core.tensor.Device;
import dev.kindling.cuda.bindings.Check;
import dev.kindling.cuda.runtime.CudaDevice;
import jcuda.driver.CUevent;
import jcuda.driver.JCudaDriver;

/**
 * Times work on a device's stream with CUDA events (device-side time, not host wall-clock), for
 * benchmarks: {@code start()}, enqueue the work, {@code stopMillis()} waits for it and returns the time.
 */
public final class DeviceTimer {

    private final CudaDevice device;
    private final CUevent start = new CUevent();
    private final CUevent stop = new CUevent();

    public DeviceTimer(CudaBackend backend, Device device) {
        this.device = backend.device(device);
        try (CudaDevice.Scope s = this.device.enter()) {
            Check.cu(JCudaDriver.cuEventCreate(start, 0), "cuEventCreate");
            Check.cu(JCudaDriver.cuEventCreate(stop, 0), "cuEventCreate");
        }
    }

    public void start() {
        try (CudaDevice.Scope s = device.enter()) {
            Check.cu(JCudaDriver.cuEventRecord(start, device.stream()), "cuEventRecord");
        }
    }

    public float stopMillis() {
        try (CudaDevice.Scope s = device.enter()) {
            Check.cu(JCudaDriver.cuEventRecord(stop, device.stream()), "cuEventRecord");
            Check.cu(JCudaDriver.cuEventSynchronize(stop), "cuEventSynchronize");
            float[] ms = new float[1];
            Check.cu(JCudaDriver.cuEventElapsedTime(ms, start, stop), "cuEventElapsedTime");
            return ms[0];
        }
    }
}
