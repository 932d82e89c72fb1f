package dev.kindling.core.device;

import dev.kindling.core.tensor.Device;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The compute devices a model may be spread over: CPU worker threads ({@code cpu:0 … cpu:n-1}), GPUs
 * once the CUDA backend provides them, or a mix. Each device has its own queue, in-flight bound and
 * statistics. Closing the pool stops every device.
 */
public final class DevicePool implements AutoCloseable {

    /** Default bound on tasks queued or running per device. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 8;
    /** Default time a submitter waits for room on a full device before the submission fails. */
    public static final Duration DEFAULT_ADMISSION_TIMEOUT = Duration.ofMinutes(1);

    private final List<ComputeDevice> devices;

    private DevicePool(List<? extends ComputeDevice> devices) {
        if (devices == null || devices.isEmpty()) {
            throw new IllegalArgumentException("a device pool needs at least one device, got none");
        }
        Set<Device> seen = new HashSet<>();
        for (ComputeDevice d : devices) {
            if (d == null) {
                throw new IllegalArgumentException("device pool given a null device: " + devices);
            }
            if (!seen.add(d.device())) {
                throw new IllegalArgumentException("device " + d.device() + " appears twice in the pool " + names(devices));
            }
        }
        this.devices = List.copyOf(devices);
    }

    /** A pool of {@code workers} CPU worker devices {@code cpu:0 … cpu:(workers-1)}. */
    public static DevicePool cpu(int workers) {
        return cpu(workers, DEFAULT_MAX_IN_FLIGHT);
    }

    public static DevicePool cpu(int workers, int maxInFlight) {
        if (workers < 1) {
            throw new IllegalArgumentException("a CPU device pool needs at least one worker, got " + workers);
        }
        List<Device> ds = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            ds.add(new Device("cpu", i));
        }
        return open(ds, maxInFlight, DEFAULT_ADMISSION_TIMEOUT);
    }

    /**
     * Opens the named devices through the provider of each device type (CPU built in, others found by
     * {@link ServiceLoader}). Fails, closing what it opened, when a type has no provider.
     */
    public static DevicePool open(List<Device> devices, int maxInFlight, Duration admissionTimeout) {
        if (devices == null || devices.isEmpty()) {
            throw new IllegalArgumentException("a device pool needs at least one device, got none");
        }
        Map<String, ComputeDeviceProvider> providers = providers();
        List<ComputeDevice> opened = new ArrayList<>();
        try {
            for (Device d : devices) {
                ComputeDeviceProvider p = providers.get(d.type());
                if (p == null) {
                    throw new IllegalArgumentException("no compute-device provider for " + d + "; available types: " + providers.keySet());
                }
                if (opened.stream().anyMatch(o -> o.device().equals(d))) {
                    throw new IllegalArgumentException("device " + d + " appears twice in " + devices);
                }
                opened.add(p.open(d, maxInFlight, admissionTimeout));
            }
            return new DevicePool(opened);
        } catch (RuntimeException e) {
            opened.forEach(ComputeDevice::close);
            throw e;
        }
    }

    /**
     * The one device discovery: {@code cpu:0} plus every device of every available accelerator backend that
     * {@code wanted} admits (e.g. {@code cuda:0}, {@code cuda:1}), opened through their providers. An accelerator
     * that fails to open is left out with a warning: the CPU always serves.
     */
    public static DevicePool discover(java.util.function.Predicate<Device> wanted, int maxInFlight, Duration admissionTimeout) {
        List<Device> found = new ArrayList<>();
        found.add(new Device("cpu", 0));
        for (String type : dev.kindling.core.backend.Backends.availableTypes()) {
            if (type.equals("cpu")) {
                continue;
            }
            for (Device d : dev.kindling.core.backend.Backends.forDevice(new Device(type, 0)).devices()) {
                if (wanted.test(d)) {
                    found.add(d);
                }
            }
        }
        Map<String, ComputeDeviceProvider> providers = providers();
        List<ComputeDevice> opened = new ArrayList<>();
        for (Device d : found) {
            ComputeDeviceProvider p = providers.get(d.type());
            try {
                if (p == null) {
                    throw new IllegalStateException("no compute-device provider for " + d);
                }
                opened.add(p.open(d, maxInFlight, admissionTimeout));
            } catch (RuntimeException e) {
                if (d.isCpu()) {
                    opened.forEach(ComputeDevice::close);
                    throw e;
                }
                System.getLogger(DevicePool.class.getName()).log(System.Logger.Level.WARNING,
                        "leaving " + d + " out of the device pool: " + e.getMessage());
            }
        }
        return new DevicePool(opened);
    }

    /** A pool over devices opened elsewhere (the pool takes ownership and closes them). */
    public static DevicePool of(List<? extends ComputeDevice> devices) {
        return new DevicePool(devices);
    }

    private static Map<String, ComputeDeviceProvider> providers() {
        Map<String, ComputeDeviceProvider> m = new TreeMap<>();
        m.put("cpu", new CpuDeviceProvider());
        for (ComputeDeviceProvider p : ServiceLoader.load(ComputeDeviceProvider.class)) {
            m.putIfAbsent(p.deviceType(), p);
        }
        return m;
    }

    public int size() {
        return devices.size();
    }

    public ComputeDevice get(int i) {
        if (i < 0 || i >= devices.size()) {
            throw new IllegalArgumentException("device index " + i + " out of range for a pool of " + devices.size());
        }
        return devices.get(i);
    }

    public List<ComputeDevice> devices() {
        return devices;
    }

    /** The first {@code n} devices (the placement of n replicas). */
    public List<ComputeDevice> first(int n) {
        if (n < 1 || n > devices.size()) {
            throw new IllegalArgumentException("asked for " + n + " devices of a pool of " + devices.size());
        }
        return devices.subList(0, n);
    }

    public List<DeviceStats> stats() {
        return devices.stream().map(ComputeDevice::stats).toList();
    }

    @Override
    public void close() {
        devices.forEach(ComputeDevice::close);
    }

    private static String names(List<? extends ComputeDevice> ds) {
        return ds.stream().map(d -> d == null ? "null" : d.device().toString()).toList().toString();
    }

    @Override
    public String toString() {
        return "DevicePool" + names(devices);
    }
}
