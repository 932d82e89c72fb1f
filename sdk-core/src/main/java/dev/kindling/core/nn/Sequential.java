package dev.kindling.core.nn;

import dev.kindling.core.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Modules applied one after another. The first may take any input type (ids for a lookup table, say);
 * the rest map tensors to tensors. In training mode the intermediate outputs of the last forward are
 * kept so that backward with the same input object does not recompute them.
 *
 * @param <I> the input type of the first module
 */
public final class Sequential<I> extends Module<I> {

    private final Module<I> head;
    private final List<Module<Tensor>> rest = new ArrayList<>();
    private I cachedInput;
    private List<Tensor> cachedOutputs;

    public Sequential(Module<I> head) {
        this.head = registerChild("0", head);
    }

    @SafeVarargs
    public static Sequential<Tensor> of(Module<Tensor> first, Module<Tensor>... more) {
        Sequential<Tensor> s = new Sequential<>(first);
        for (Module<Tensor> m : more) {
            s.add(m);
        }
        return s;
    }

    public Sequential<I> add(Module<Tensor> module) {
        rest.add(registerChild(String.valueOf(rest.size() + 1), module));
        return this;
    }

    public int size() {
        return rest.size() + 1;
    }

    @Override
    public Tensor forward(I input) {
        List<Tensor> outputs = new ArrayList<>(size());
        Tensor x = head.forward(input);
        outputs.add(x);
        for (Module<Tensor> m : rest) {
            x = m.forward(x);
            outputs.add(x);
        }
        if (isTraining()) {
            cachedInput = input;
            cachedOutputs = outputs;
        }
        return x;
    }

    @Override
    public I backward(I input, Tensor gradOutput) {
        List<Tensor> outputs = (input == cachedInput && cachedOutputs != null) ? cachedOutputs : null;
        if (outputs == null) {
            outputs = new ArrayList<>(size());
            Tensor x = head.forward(input);
            outputs.add(x);
            for (Module<Tensor> m : rest) {
                x = m.forward(x);
                outputs.add(x);
            }
        }
        cachedInput = null;
        cachedOutputs = null;
        Tensor g = gradOutput;
        for (int i = rest.size() - 1; i >= 0; i--) {
            g = rest.get(i).backward(outputs.get(i), g);
        }
        return head.backward(input, g);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Sequential(").append(head);
        rest.forEach(m -> sb.append(" -> ").append(m));
        return sb.append(')').toString();
    }
}
