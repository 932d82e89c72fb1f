package dev.kindling.core.serving.routing;

import dev.kindling.core.device.ComputeDevice;
import dev.kindling.core.device.DevicePool;
import dev.kindling.core.tensor.Device;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The engine's own {@link InferenceRouter}, with no guards: tries the eligible accelerators of a {@link DevicePool}
 * in order and falls back to the CPU when one fails. Work runs on the calling thread (a device's kernels are
 * ordered on its own stream; the CPU computes in the caller), so it adds no hand-off to a request.
 */
public final class FallbackRouter implements InferenceRouter {

    private static final System.Logger log = System.getLogger(FallbackRouter.class.getName());

    private final DevicePool pool;
    private final List<Device> order;

    /** Routes over {@code pool}'s devices, which must include a CPU device (the fallback); closes the pool on close. */
    public FallbackRouter(DevicePool pool) {
        this.pool = pool;
        List<Device> devices = new ArrayList<>();
        for (ComputeDevice d : pool.devices()) {
            devices.add(d.device());
        }
        devices.sort(Comparator.comparing(Device::isCpu));
        if (devices.isEmpty() || !devices.getLast().isCpu()) {
            throw new IllegalArgumentException("the device pool must include the CPU as the fallback, got " + devices);
        }
        this.order = List.copyOf(devices);
    }

    @Override
    public List<Device> devices() {
        return order;
    }

    @Override
    public <T> Routed<T> execute(Predicate<Device> eligible, Function<Device, Callable<T>> work) {
        Throwable lastFailure = null;
        boolean first = true;
        for (Device d : order) {
            if (!d.isCpu() && !eligible.test(d)) {
                continue;
            }
            boolean fellBack = !first;
            first = false;
            try {
                return new Routed<>(work.apply(d).call(), d, fellBack);
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (Exception | Error e) {
                if (e instanceof VirtualMachineError vme) {
                    throw vme;
                }
                lastFailure = e;
                if (!d.isCpu()) {
                    log.log(System.Logger.Level.WARNING, "inference on " + d + " failed, trying the next device: " + e);
                }
            }
        }
        throw new NoDeviceAvailableException("no device could serve the request" + (lastFailure != null ? ": last failure " + lastFailure : ""),
                lastFailure);
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "FallbackRouter" + order;
    }
}
