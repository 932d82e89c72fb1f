package dev.kindling.cuda.ops;

import dev.kindling.core.backend.ConvGeometry;
import dev.kindling.core.backend.FftConvWorkspace;
import dev.kindling.core.backend.KeptSpectra;
import dev.kindling.core.tensor.Tensor;
import dev.kindling.cuda.memory.DeviceBlock;
import dev.kindling.cuda.runtime.CudaDevice;

import java.lang.ref.Cleaner;

/**
 * A module's FFT convolution state on the GPU: device buffers with the input and weight spectra of its
 * last training forward ([freq][plane] layout), and which tensors, geometry and transform grid they came
 * from. The buffers go back to the device's allocator cache on {@link #close()}, when the tensors move to
 * another device, or when the workspace becomes unreachable (no driver call, so safe on the cleaner
 * thread). Methods are synchronized: a workspace serves one training step at a time.
 */
final class CudaFftWorkspace implements FftConvWorkspace {

    private static final Cleaner CLEANER = Cleaner.create();

    /** The device blocks, apart from the workspace so the cleaner can release them. */
    private static final class Buffers implements Runnable {
        CudaDevice device;
        DeviceBlock input;
        DeviceBlock weight;

        @Override
        public synchronized void run() {
            if (input != null) {
                input.close();
                input = null;
            }
            if (weight != null) {
                weight.close();
                weight = null;
            }
            device = null;
        }
    }

    private final CudaFftConv fft;
    private final Buffers buffers = new Buffers();
    private final KeptSpectra<FftConvShape> kept = new KeptSpectra<>();

    CudaFftWorkspace(CudaFftConv fft) {
        this.fft = fft;
        CLEANER.register(this, buffers);
    }

    @Override
    public synchronized void forward(Tensor input, Tensor weight, Tensor bias, ConvGeometry g, Tensor output) {
        fft.forward(input, weight, bias, g, output, this);
    }

    @Override
    public synchronized void backward(Tensor input, Tensor weight, Tensor gradOutput, ConvGeometry g,
                                      Tensor gradInput, Tensor gradWeight, Tensor gradBias) {
        fft.backward(input, weight, gradOutput, g, gradInput, gradWeight, gradBias, this);
    }

    @Override
    public synchronized long transforms() {
        return kept.transforms();
    }

    @Override
    public synchronized void close() {
        forget();
        buffers.run();
    }

    // ---- used by CudaFftConv inside the device's scope, under this workspace's lock ----

    void counted(int batchedTransforms) {
        kept.counted(batchedTransforms);
    }

    /** The address of the input spectra buffer on {@code d}, at least {@code bytes} (its contents are no longer kept). */
    long inputSpectra(CudaDevice d, long bytes) {
        onDevice(d);
        kept.dropInput();
        synchronized (buffers) {
            buffers.input = grown(d, buffers.input, bytes);
            return buffers.input.address();
        }
    }

    long weightSpectra(CudaDevice d, long bytes) {
        onDevice(d);
        kept.dropWeight();
        synchronized (buffers) {
            buffers.weight = grown(d, buffers.weight, bytes);
            return buffers.weight.address();
        }
    }

    private static DeviceBlock grown(CudaDevice d, DeviceBlock b, long bytes) {
        if (b != null && b.bytes() >= bytes) {
            return b;
        }
        if (b != null) {
            b.close();
        }
        return d.allocate(Math.max(bytes, 1));
    }

    /** Tensors moved to another GPU: the old device's buffers are released. */
    private void onDevice(CudaDevice d) {
        if (buffers.device != d) {
            forget();
            buffers.run();
            buffers.device = d;
        }
    }

    void keep(Tensor input, Tensor weight, ConvGeometry g, FftConvShape s) {
        kept.keep(input, weight, g, s);
    }

    boolean holdsInput(Tensor input, ConvGeometry g, FftConvShape s) {
        return kept.holdsInput(input, g, s);
    }

    /** Weight spectra depend only on the transform grid, not on the batch size. */
    boolean holdsWeight(Tensor weight, FftConvShape s) {
        return kept.holdsWeight(weight, k -> k.rows() == s.rows() && k.cols() == s.cols());
    }

    long keptInput() {
        return buffers.input.address();
    }

    long keptWeight() {
        return buffers.weight.address();
    }

    void forget() {
        kept.forget();
    }
}
