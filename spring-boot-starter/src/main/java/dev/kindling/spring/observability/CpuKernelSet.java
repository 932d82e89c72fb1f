package dev.kindling.spring.observability;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Which CPU kernels this JVM runs: the Vector API ones need {@code --add-modules jdk.incubator.vector} at launch; without
 * it the core falls back to plain Java loops (training ~10x slower) and says so only at FINE. The same rule as the core's
 * kernel selection: the module is in the boot layer and {@code -Dkindling.cpu.vector=false} is not set.
 */
public final class CpuKernelSet {

    /** The JVM option that enables the Vector API kernels. */
    public static final String FLAG = "--add-modules jdk.incubator.vector";

    private static final Logger log = LoggerFactory.getLogger(CpuKernelSet.class);
    private static final AtomicBoolean warned = new AtomicBoolean();

    private CpuKernelSet() {
    }

    /** "vector" or "scalar". */
    public static String current() {
        return vectorAvailable() && !disabled() ? "vector" : "scalar";
    }

    /** Logs once per JVM, at WARN, that the kernels are scalar and the exact option that fixes it. */
    public static void warnOnceIfScalar() {
        if (vectorAvailable() || disabled() || !warned.compareAndSet(false, true)) {
            return;
        }
        log.warn("Kindling runs its CPU kernels as plain Java loops: this JVM was started without the Vector API module, which makes"
                + " classification and fine-tuning several times slower. Add the JVM option '{}' (java {} -jar app.jar; with"
                + " spring-boot:run, <jvmArguments>{}</jvmArguments>)", FLAG, FLAG, FLAG);
    }

    private static boolean vectorAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static boolean disabled() {
        return !Boolean.parseBoolean(System.getProperty("kindling.cpu.vector", "true"));
    }
}
