package dev.kindling.core.backend;

import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Storage;
import dev.kindling.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The service-provider interface every compute backend implements (CPU here, CUDA in
 * {@code kindling-sdk-cuda}). Backends are found with {@link java.util.ServiceLoader}; modules never
 * branch on the device, they call the backend of their tensors' device.
 *
 * <p>Ops are grouped in families ({@link BlasOps}, {@link ElementwiseOps}, {@link EmbeddingOps},
 * {@link OptimOps}) so that a backend can be read, tested and grown one family at a time. All tensors
 * passed to one call live on this backend's devices; arguments are validated by the modules.
 */
public interface Backend {

    /** The device type this backend serves, e.g. {@code "cpu"} or {@code "cuda"}. */
    String deviceType();

    /** Whether this backend can run here, and why not when it cannot (no driver, failing driver, …). */
    Availability availability();

    /** The devices of this backend present on this machine (the CPU backend reports one). */
    default List<Device> devices() {
        return List.of(new Device(deviceType(), 0));
    }

    /** Zero-filled storage for {@code elements} float32 values on {@code device}. */
    Storage allocate(Device device, long elements);

    /** Copies {@code src} into {@code dst}; both on this backend, same number of elements. */
    void copy(Tensor src, Tensor dst);

    /** Copies {@code dst.numel()} floats from host memory at element offset {@code srcOffset} into {@code dst}. */
    void copyFromHost(MemorySegment src, long srcOffset, Tensor dst);

    /** Copies all of {@code src} into host memory at element offset {@code dstOffset}. */
    void copyToHost(Tensor src, MemorySegment dst, long dstOffset);

    /**
     * Waits until all work enqueued on {@code device} has finished. Backends that run asynchronously (the
     * GPU's) must implement it, so that host clocks read around an op measure the op (see
     * {@code ConvAlgorithmTuner}); synchronous backends have nothing to wait for.
     */
    default void synchronize(Device device) {
    }

    /** Number of NaN or infinite elements. */
    long countNonFinite(Tensor t);

    BlasOps blas();

    ElementwiseOps elementwise();

    EmbeddingOps embedding();

    OptimOps optim();

    /** Hierarchical softmax kernels. */
    HsmOps hsm();

    /** Temporal, spatial and FFT convolutions. Backends without them say so when asked. */
    default ConvOps conv() {
        throw new UnsupportedOperationException("the " + deviceType() + " backend has no convolution ops yet");
    }

    /** Temporal max / k-max pooling, feature LP pooling, cross-map normalization. */
    default PoolingOps pooling() {
        throw new UnsupportedOperationException("the " + deviceType() + " backend has no pooling ops yet");
    }

    /** 1-bit gradient quantization; backends without it say so. */
    default QuantizeOps quantize() {
        throw new UnsupportedOperationException("the " + deviceType() + " backend has no 1-bit quantization ops");
    }

    /** Whether a backend can be used, with the reason when it cannot. */
    record Availability(boolean available, String reason) {

        public static Availability yes() {
            return new Availability(true, "available");
        }

        public static Availability no(String reason) {
            return new Availability(false, reason);
        }
    }
}
