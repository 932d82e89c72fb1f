package dev.kindling.cuda.runtime;

import dev.kindling.core.backend.Backend.Availability;
import dev.kindling.cuda.bindings.Check;
import dev.kindling.cuda.bindings.Cublas;
import jcuda.driver.JCudaDriver;

/**
 * Loads the JCuda driver binding and initializes CUDA once per JVM. Everything that can go wrong here
 * (no NVIDIA driver, hence no libcuda.so.1; a driver too old for our PTX; no device; no cuBLAS) ends as
 * an {@link Availability#no} with the reason, never as an exception out of the backend's constructor.
 */
public final class CudaDriver {

    private static Probe probe;

    public record Probe(Availability availability, int deviceCount, int driverVersion, Cublas cublas) {
    }

    private CudaDriver() {
    }

    public static synchronized Probe probe() {
        if (probe == null) {
            probe = run();
        }
        return probe;
    }

    /** JCuda's load error nests stack traces: keep the line that names the missing library. */
    static String rootCause(String message) {
        if (message == null) {
            return "no message";
        }
        String[] lines = message.split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            String l = lines[i];
            if (l.contains("cannot open shared object file") || l.contains("undefined symbol") || l.contains("version `")) {
                int at = l.lastIndexOf(".so: ");
                return (at >= 0 ? l.substring(at + 5) : l).trim();
            }
        }
        return lines[0].trim();
    }

    private static Probe run() {
        if (Boolean.getBoolean("kindling.cuda.disabled")) {
            return new Probe(Availability.no("disabled by -Dkindling.cuda.disabled=true"), 0, 0, null);
        }
        try {
            JCudaDriver.setExceptionsEnabled(false);
            int status = JCudaDriver.cuInit(0);
            if (status != 0) {
                return new Probe(Availability.no("cuInit failed: " + Check.errorName(status) + " (" + status
                        + "); is the NVIDIA driver installed and a GPU visible?"), 0, 0, null);
            }
            int[] version = new int[1];
            Check.cu(JCudaDriver.cuDriverGetVersion(version), "cuDriverGetVersion");
            int[] count = new int[1];
            Check.cu(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
            if (count[0] == 0) {
                return new Probe(Availability.no("the CUDA driver reports no devices"), 0, version[0], null);
            }
            Cublas cublas = Cublas.load();
            return new Probe(Availability.yes(), count[0], version[0], cublas);
        } catch (LinkageError e) {
            return new Probe(Availability.no("the JCuda driver binding could not be loaded (is the NVIDIA driver installed?): "
                    + rootCause(e.getMessage())), 0, 0, null);
        } catch (RuntimeException e) {
            return new Probe(Availability.no("CUDA initialization failed: " + e.getMessage()), 0, 0, null);
        }
    }
}
