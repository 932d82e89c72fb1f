package dev.kindling.core.nn;

import dev.kindling.core.tensor.Device;
import dev.kindling.core.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer in the Torch nn style. {@link #forward} computes the output of an input; {@link #backward},
 * given the same input and the gradient of the loss with respect to the output, returns the gradient
 * with respect to the input and <em>adds</em> the parameters' gradients to what they hold (call
 * {@link #zeroGradParameters()} between steps).
 *
 * <p>Forward in eval mode keeps no state, so one module may serve inference from many threads at
 * once. A training step (forward then backward) belongs to one thread at a time.
 *
 * @param <I> the input type: {@link Tensor} for most modules, ids for lookup tables
 */
public abstract class Module<I> {

    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Module<?>> children = new LinkedHashMap<>();
    private boolean training = true;

    public abstract Tensor forward(I input);

    /**
     * Returns the gradient with respect to {@code input} (null for inputs without one, such as ids) and
     * accumulates the parameters' gradients.
     */
    public abstract I backward(I input, Tensor gradOutput);

    protected final Parameter registerParameter(String name, Tensor value) {
        return addParameter(new Parameter(name, value, false));
    }

    protected final Parameter registerSparseParameter(String name, Tensor value) {
        return addParameter(new Parameter(name, value, true));
    }

    private Parameter addParameter(Parameter p) {
        if (parameters.putIfAbsent(p.name(), p) != null || children.containsKey(p.name())) {
            throw new IllegalArgumentException("duplicate parameter name '" + p.name() + "' in " + getClass().getSimpleName());
        }
        return p;
    }

    protected final <M extends Module<?>> M registerChild(String name, M child) {
        if (children.putIfAbsent(name, child) != null || parameters.containsKey(name)) {
            throw new IllegalArgumentException("duplicate child name '" + name + "' in " + getClass().getSimpleName());
        }
        return child;
    }

    /** Direct children, in registration order. */
    public final Map<String, Module<?>> children() {
        return Collections.unmodifiableMap(children);
    }

    /** All parameters of this module and its descendants, named by dotted path ({@code "0.weight"}). */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out) {
        parameters.forEach((n, p) -> out.put(prefix + n, p));
        children.forEach((n, c) -> c.collect(prefix + n + ".", out));
    }

    public final List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    public void zeroGradParameters() {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
    }

    public Module<I> train() {
        setTraining(true);
        return this;
    }

    public Module<I> eval() {
        setTraining(false);
        return this;
    }

    private void setTraining(boolean on) {
        training = on;
        children.values().forEach(c -> c.setTraining(on));
    }

    public final boolean isTraining() {
        return training;
    }

    /** Moves every parameter to {@code device} (a copy per parameter; gradients are reset). */
    public Module<I> to(Device device) {
        for (Parameter p : parameters()) {
            p.moveTo(device);
        }
        notifyMoved();
        return this;
    }

    private void notifyMoved() {
        children.values().forEach(Module::notifyMoved);
        parametersMoved();
    }

    /**
     * Called after {@link #to} replaced the parameters' tensors (children first): a module that keeps
     * snapshots or views of its parameters' tensors refreshes them here.
     */
    protected void parametersMoved() {
    }

    /** The device of the first parameter, or the CPU for modules without parameters. */
    public Device device() {
        List<Parameter> ps = parameters();
        return ps.isEmpty() ? Device.CPU : ps.get(0).value().device();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName();
    }
}
