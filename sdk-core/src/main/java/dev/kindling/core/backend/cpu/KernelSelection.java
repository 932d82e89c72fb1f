package dev.kindling.core.backend.cpu;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Picks the CPU kernels once: the Vector API ones when the {@code jdk.incubator.vector} module was
 * added to the JVM ({@code --add-modules jdk.incubator.vector}) and {@code -Dkindling.cpu.vector=false}
 * is not set; otherwise the portable scalar ones. Loading {@link VectorKernels} only after the check
 * keeps the class from failing to link where the module is absent.
 */
final class KernelSelection {

    static final CpuKernels PREFERRED = choose();

    private KernelSelection() {
    }

    private static CpuKernels choose() {
        Logger log = Logger.getLogger(KernelSelection.class.getName());
        if (!Boolean.parseBoolean(System.getProperty("kindling.cpu.vector", "true"))) {
            return new ScalarKernels();
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            log.fine("jdk.incubator.vector not present: using scalar CPU kernels (add --add-modules jdk.incubator.vector)");
            return new ScalarKernels();
        }
        try {
            return (CpuKernels) Class.forName("dev.kindling.core.backend.cpu.VectorKernels").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            log.log(Level.WARNING, "Vector API kernels failed to load; using scalar CPU kernels", e);
            return new ScalarKernels();
        }
    }
}
