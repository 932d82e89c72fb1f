package dev.kindling.core.backend;

import dev.kindling.core.tensor.Device;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The registry of backends, filled once from {@link ServiceLoader}. A backend that fails to load or
 * reports itself unavailable is remembered with its reason (see {@link #unavailable()}), and tensors
 * cannot be placed on its devices; everything else keeps running on the CPU backend.
 *
 * <p>The CPU backend is found the same way (as the {@link HostBackend} service), never named: this
 * package is the SPI, and its implementations depend on it, not the other way round.
 */
public final class Backends {

    private static final Map<String, Backend> AVAILABLE = new LinkedHashMap<>();
    private static final Map<String, String> UNAVAILABLE = new LinkedHashMap<>();
    private static final HostBackend CPU = loadCpu();

    static {
        AVAILABLE.put(CPU.deviceType(), CPU);
        try {
            for (ServiceLoader.Provider<Backend> provider : ServiceLoader.load(Backend.class).stream().toList()) {
                try {
                    Backend b = provider.get();
                    Backend.Availability a = b.availability();
                    if (a.available()) {
                        AVAILABLE.putIfAbsent(b.deviceType(), b);
                    } else {
                        UNAVAILABLE.put(b.deviceType(), a.reason());
                    }
                } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                    UNAVAILABLE.put(provider.type().getName(), "failed to load: " + e);
                }
            }
        } catch (ServiceConfigurationError e) {
            UNAVAILABLE.put("service-loader", e.toString());
        }
    }

    private Backends() {
    }

    /**
     * The CPU backend ships in sdk-core, so it is looked up with sdk-core's own class loader, whatever the
     * thread's context loader sees; without it nothing can run, so its absence fails loudly.
     */
    private static HostBackend loadCpu() {
        return ServiceLoader.load(HostBackend.class, Backends.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no CPU backend: META-INF/services/" + HostBackend.class.getName()
                        + " is missing from the kindling-sdk-core jar on the class path"));
    }

    /** The backend for {@code device}'s type; fails with the recorded reason when it is unavailable. */
    public static Backend forDevice(Device device) {
        Backend b = AVAILABLE.get(device.type());
        if (b == null) {
            String reason = UNAVAILABLE.get(device.type());
            throw new UnsupportedOperationException("no backend for device " + device
                    + (reason != null ? ": " + reason : ": no provider of type '" + device.type() + "' on the class path")
                    + "; available: " + AVAILABLE.keySet());
        }
        return b;
    }

    /** The CPU backend, with the host storage and kernels that code running its own loops on host tensors uses. */
    public static HostBackend cpu() {
        return CPU;
    }

    public static boolean isAvailable(String deviceType) {
        return AVAILABLE.containsKey(deviceType);
    }

    /** Available backends' device types, CPU first. */
    public static List<String> availableTypes() {
        return List.copyOf(AVAILABLE.keySet());
    }

    /** Backends that were found but cannot run here, with the reason. */
    public static Map<String, String> unavailable() {
        return Map.copyOf(UNAVAILABLE);
    }
}
