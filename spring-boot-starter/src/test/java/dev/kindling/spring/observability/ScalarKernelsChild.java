package dev.kindling.spring.observability;

/** Run by {@link CpuKernelSetTest} in a JVM without the Vector API module: warns twice, which must log once. */
public final class ScalarKernelsChild {

    private ScalarKernelsChild() {
    }

    public static void main(String[] args) {
        System.out.println("kernels: " + CpuKernelSet.current());
        CpuKernelSet.warnOnceIfScalar();
        CpuKernelSet.warnOnceIfScalar();
    }
}
