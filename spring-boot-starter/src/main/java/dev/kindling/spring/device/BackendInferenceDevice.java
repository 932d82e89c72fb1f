package dev.kindling.spring.device;

import dev.kindling.core.tensor.Device;

import java.util.concurrent.Callable;

/**
 * An accelerator served by a Kindling backend (e.g. CUDA). Modules dispatch to the backend of their
 * tensors' device themselves, so running the work is just calling it; the guards supply the thread and
 * the time limit.
 */
public final class BackendInferenceDevice implements InferenceDevice {

    private final Device device;

    public BackendInferenceDevice(Device device) {
        this.device = device;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public <T> T execute(Callable<T> work) throws Exception {
        return work.call();
    }

    @Override
    public String toString() {
        return device.toString();
    }
}
