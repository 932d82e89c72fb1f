package dev.kindling.core.tensor;

/**
 * The memory behind one or more tensors: a run of float32 elements on one device. Each backend has
 * its own implementation (host memory segments for the CPU, device pointers for CUDA).
 */
public interface Storage {

    Device device();

    /** Capacity in float32 elements. */
    long elements();
}
