package dev.kindling.core.io;

import dev.kindling.core.nn.Module;
import dev.kindling.core.nn.Parameter;
import dev.kindling.core.tensor.Shapes;
import dev.kindling.core.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Saves and loads a module's parameters by their dotted names ({@link Module#namedParameters()}) in
 * safetensors files. Loading checks everything first (every name present, no unknown names, shapes
 * equal, all values finite) and only then assigns: a bad file changes nothing.
 */
public final class Checkpoints {

    private Checkpoints() {
    }

    /** Writes all parameters of {@code module} atomically, with {@code metadata}. */
    public static void save(Module<?> module, Path path, Map<String, String> metadata) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        module.namedParameters().forEach((name, p) -> tensors.put(name, p.value()));
        Safetensors.write(path, tensors, metadata);
    }

    /** Loads parameters into {@code module}; returns the file's metadata. */
    public static Map<String, String> load(Module<?> module, Path path) throws IOException {
        SafetensorsFile file = SafetensorsFile.open(path);
        Map<String, Parameter> params = module.namedParameters();
        TreeSet<String> missing = new TreeSet<>(params.keySet());
        missing.removeAll(file.entries().keySet());
        TreeSet<String> unexpected = new TreeSet<>(file.entries().keySet());
        unexpected.removeAll(params.keySet());
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new CheckpointFormatException(path + " does not fit " + module + ": missing parameters " + missing
                    + ", unexpected tensors " + unexpected);
        }
        Map<Parameter, Tensor> loaded = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            SafetensorsFile.Entry entry = file.entry(e.getKey());
            int[] expected = e.getValue().value().shape();
            if (!Arrays.equals(entry.shape(), expected)) {
                throw new CheckpointFormatException(path + ": parameter '" + e.getKey() + "' has shape " + Shapes.str(entry.shape())
                        + " in the file but " + Shapes.str(expected) + " in the model");
            }
            Tensor t = file.load(e.getKey());
            long bad = t.backend().countNonFinite(t);
            if (bad > 0) {
                throw new CheckpointFormatException(path + ": parameter '" + e.getKey() + "' contains " + bad + " NaN or infinite values");
            }
            loaded.put(e.getValue(), t);
        }
        loaded.forEach((p, t) -> p.value().copyFrom(t));
        return file.metadata();
    }
}
