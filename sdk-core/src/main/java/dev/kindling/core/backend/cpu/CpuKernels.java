package dev.kindling.core.backend.cpu;

import dev.kindling.core.backend.HostKernels;

/**
 * The CPU backend's {@link HostKernels} and where they are chosen: {@link VectorKernels} (the incubating
 * Vector API) or {@link ScalarKernels} (plain Java, always available). Code outside this package gets the
 * chosen ones through {@code Backends.cpu().kernels()}.
 */
public interface CpuKernels extends HostKernels {

    /** The preferred kernels: the Vector API when its module is present and not disabled. */
    static CpuKernels preferred() {
        return KernelSelection.PREFERRED;
    }

    /** The plain Java kernels. */
    static CpuKernels scalar() {
        return new ScalarKernels();
    }
}
