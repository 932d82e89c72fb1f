package dev.kindling.core.serving.model;

import dev.kindling.core.io.MappedVerification;
import dev.kindling.core.serving.routing.DeviceSelection;
import dev.kindling.core.text.TablePlacement;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * One model to serve: its name, the file it starts from, and how it is served. Built with
 * {@link #builder(String)}; checked when built, each error naming the setting and what it must be.
 *
 * @param name             1–64 letters, digits, '.', '_' or '-' (it names the model's data directory too)
 * @param checkpoint       the model file to start from (null: a {@link ModelInitializer} creates the model)
 * @param type             the output layer the file must have
 * @param k                how many labels a classification returns when the request does not say
 * @param devices          devices the model may run on; the CPU is always the fallback
 * @param fineTuning       whether the model accepts feedback and fine-tuning jobs
 * @param inputTable       where the input table lives: heap, native memory, or mapped from the file
 * @param mappedVerification whether a mapped input table is verified against its checksum on load
 * @param baseModelPolicy  what a start does when the configured file changed since the fine-tuned checkpoints were made
 */
public record ModelSettings(String name, Path checkpoint, ClassifierType type, int k, DeviceSelection devices, boolean fineTuning,
                            TablePlacement inputTable, MappedVerification mappedVerification, BaseModelPolicy baseModelPolicy) {

    /** Largest k a model may be asked for. */
    public static final int MAX_K = 1000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public ModelSettings {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("model name '" + name + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("k must be between 1 and " + MAX_K + " for model '" + name + "', got " + k);
        }
        if (type == null || devices == null || inputTable == null || mappedVerification == null || baseModelPolicy == null) {
            throw new IllegalArgumentException("type, devices, input table, mapped verification and base-model policy must be set for model '"
                    + name + "'");
        }
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public Builder toBuilder() {
        return new Builder(name).checkpoint(checkpoint).type(type).k(k).devices(devices).fineTuning(fineTuning).inputTable(inputTable)
                .mappedVerification(mappedVerification).baseModelPolicy(baseModelPolicy);
    }

    /**
     * Mutable builder: type ANY, k 5, devices auto, fine-tuning on, input table on the heap, mapped tables verified, and a
     * start that fails when the configured file changed under fine-tuned checkpoints.
     */
    public static final class Builder {
        private final String name;
        private Path checkpoint;
        private ClassifierType type = ClassifierType.ANY;
        private int k = 5;
        private DeviceSelection devices = DeviceSelection.AUTO;
        private boolean fineTuning = true;
        private TablePlacement inputTable = TablePlacement.HEAP;
        private MappedVerification mappedVerification = MappedVerification.VERIFY;
        private BaseModelPolicy baseModelPolicy = BaseModelPolicy.FAIL;

        private Builder(String name) {
            this.name = name;
        }

        public Builder checkpoint(Path v) {
            checkpoint = v;
            return this;
        }

        public Builder type(ClassifierType v) {
            type = v;
            return this;
        }

        public Builder k(int v) {
            k = v;
            return this;
        }

        public Builder devices(DeviceSelection v) {
            devices = v;
            return this;
        }

        /** {@code "auto"}, {@code "cpu"} or a list such as {@code "cuda:0,cuda:1"}. */
        public Builder devices(String v) {
            devices = DeviceSelection.parse(v);
            return this;
        }

        public Builder fineTuning(boolean v) {
            fineTuning = v;
            return this;
        }

        public Builder inputTable(TablePlacement v) {
            inputTable = v;
            return this;
        }

        public Builder mappedVerification(MappedVerification v) {
            mappedVerification = v;
            return this;
        }

        public Builder baseModelPolicy(BaseModelPolicy v) {
            baseModelPolicy = v;
            return this;
        }

        public ModelSettings build() {
            return new ModelSettings(name, checkpoint, type, k, devices, fineTuning, inputTable, mappedVerification, baseModelPolicy);
        }
    }
}
