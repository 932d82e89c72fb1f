package dev.kindling.spring.device;

import dev.kindling.core.tensor.Device;

import java.util.concurrent.Callable;

/** The CPU: runs work on the calling thread. It is the fallback every request can reach. */
public final class CpuInferenceDevice implements InferenceDevice {

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public <T> T execute(Callable<T> work) throws Exception {
        return work.call();
    }

    @Override
    public String toString() {
        return "cpu";
    }
}
