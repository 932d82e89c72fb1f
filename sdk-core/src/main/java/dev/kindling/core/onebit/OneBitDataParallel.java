package dev.kindling.core.onebit;

import dev.kindling.core.device.DevicePool;
import dev.kindling.core.nn.Bags;
import dev.kindling.core.nn.Module;
import dev.kindling.core.parallel.BatchSplitter;
import dev.kindling.core.parallel.DataParallel;
import dev.kindling.core.tensor.IndexTensor;
import dev.kindling.core.tensor.Tensor;

import java.util.function.Supplier;

/**
 * {@link DataParallel} whose replicas exchange 1-bit quantized gradients (1-bit SGD, Seide et al. 2014,
 * as in fbcunn's {@code OneBitDataParallel}) through a {@link OneBitExchange}: sign bits plus two
 * reconstruction values per row or column travel instead of floats, with residual error feedback on
 * both the sending and the combining side. Gradients below {@link OneBitConfig#minElements()} entries and
 * row-sparse gradients travel in full precision. Replicas stay identical: each ends a step with the same
 * dequantized gradient.
 *
 * @param <I> the input type of the replicated module
 */
public final class OneBitDataParallel<I> extends DataParallel<I> {

    private final OneBitExchange oneBit;

    public OneBitDataParallel(BatchSplitter<I> splitter, DevicePool pool, Module<I> module, Supplier<? extends Module<I>> factory,
                              OneBitConfig config) {
        this(splitter, pool, module, factory, new OneBitExchange(config));
    }

    private OneBitDataParallel(BatchSplitter<I> splitter, DevicePool pool, Module<I> module, Supplier<? extends Module<I>> factory,
                               OneBitExchange exchange) {
        super(splitter, pool, module, factory, exchange);
        this.oneBit = exchange;
    }

    public static OneBitDataParallel<Tensor> ofTensors(int dimension, DevicePool pool, Module<Tensor> module,
                                                       Supplier<? extends Module<Tensor>> factory, OneBitConfig config) {
        return new OneBitDataParallel<>(BatchSplitter.tensors(dimension), pool, module, factory, config);
    }

    public static OneBitDataParallel<IndexTensor> ofIds(int dimension, DevicePool pool, Module<IndexTensor> module,
                                                        Supplier<? extends Module<IndexTensor>> factory, OneBitConfig config) {
        return new OneBitDataParallel<>(BatchSplitter.ids(dimension), pool, module, factory, config);
    }

    public static OneBitDataParallel<Bags> ofBags(DevicePool pool, Module<Bags> module, Supplier<? extends Module<Bags>> factory,
                                                  OneBitConfig config) {
        return new OneBitDataParallel<>(BatchSplitter.bags(), pool, module, factory, config);
    }

    public OneBitConfig config() {
        return oneBit.config();
    }

    /** Bytes of 1-bit messages sent so far. */
    public long quantizedBytes() {
        return oneBit.quantizedBytes();
    }

    /** Bytes of full-precision messages (small and row-sparse gradients) sent so far. */
    public long fullPrecisionBytes() {
        return oneBit.fullPrecisionBytes();
    }

    /** Forgets the quantization residuals and smoothing state. */
    public void resetQuantizationState() {
        oneBit.reset();
    }
}
