package dev.kindling.spring.model;

import dev.kindling.core.io.MappedVerification;
import dev.kindling.core.serving.finetune.ModelTuning;
import dev.kindling.core.serving.model.BaseModelPolicy;
import dev.kindling.core.serving.model.ClassifierType;
import dev.kindling.core.serving.model.ModelSettings;
import dev.kindling.core.text.TablePlacement;
import dev.kindling.spring.config.InvalidKindlingPropertyException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code kindling.models.<name>.*}: the classifiers to serve. Every key of a model is described in the configuration
 * metadata as {@code kindling.models.*.<key>}; an unknown key (a typo such as {@code chekpoint}) fails the start
 * ({@code KindlingPropertiesCheck}).
 */
@Validated
@ConfigurationProperties("kindling")
public class KindlingModelProperties {

    /** Models by name (1-64 letters, digits, '.', '_' or '-'; the name also names the model's data directory). */
    @Valid
    private Map<String, Model> models = new LinkedHashMap<>();

    public Map<String, Model> getModels() {
        return models;
    }

    public void setModels(Map<String, Model> models) {
        this.models = models;
    }

    /** One model. */
    public static class Model {

        /**
         * The model file to start from (a Kindling text-classifier file, e.g. written by `bin/kindling supervised`): a file
         * path, or a Spring resource location (classpath:, file:, https:); a resource that is not a file is copied to
         * {@code <fine-tuning directory>/<model>/configured/} at start.
         */
        private String checkpoint;

        /** The output layer the checkpoint must have: hs, hsm, softmax, ns, ova, or any. */
        @NotNull
        private ClassifierType type = ClassifierType.ANY;

        /** How many labels a classification returns when the request does not say. */
        @Min(1)
        @Max(ModelSettings.MAX_K)
        private int k = 5;

        /**
         * The lowest probability a label needs to be returned by the model's Classifier bean when the call does not say
         * (0: return the top k, whatever their probabilities).
         */
        @DecimalMin("0.0")
        @DecimalMax("1.0")
        private float threshold = 0f;

        /**
         * Devices this model may run on: "auto" (any in the pool), "cpu", or a list such as "cuda:1"; the CPU is always the
         * fallback when they fail or are busy.
         */
        @NotBlank
        private String devices = "auto";

        /** Whether this model accepts feedback and fine-tuning jobs. */
        private boolean fineTuning = true;

        /**
         * Where the input (embedding) table lives: heap; off-heap (native memory, for tables larger than the heap); or mapped
         * (copy-on-write from the checkpoint file, paged in as rows are read).
         */
        @NotNull
        private TablePlacement inputTable = TablePlacement.HEAP;

        /**
         * Whether loading a mapped input table verifies its checksum by reading it once (from disk or the page cache, at about
         * sequential-read speed). false leaves it unverified so that start-up touches none of its pages, for tables much
         * larger than memory; the header and the other tables are verified either way.
         */
        private boolean verifyMappedTable = true;

        /**
         * What a start does when the checkpoint file changed (by SHA-256) since fine-tuned checkpoints of this model were made:
         * fail (refuse to start and say so), replace (serve the new file and re-apply the write-ahead log to it), or
         * keep-fine-tuned (keep serving the fine-tuned checkpoint, with a warning at every start).
         */
        @NotNull
        private BaseModelPolicy baseModelPolicy = BaseModelPolicy.FAIL;

        /** How this model fine-tunes where it differs from kindling.fine-tuning.* (learning rate, batch size, ...). */
        @Valid
        private ModelTuningProperties tuning = new ModelTuningProperties();

        /** This model's guardrails: label policy, validation gate, kept versions, audit trail. */
        @Valid
        private GuardrailsProperties guardrails = new GuardrailsProperties();

        /** This model's engine settings, starting from {@code file} ({@code fineTuningEnabled}: kindling.fine-tuning.enabled). */
        public ModelSettings toSettings(String name, Path file, boolean fineTuningEnabled) {
            try {
                return ModelSettings.builder(name).checkpoint(file).type(type).k(k).devices(devices).fineTuning(fineTuning && fineTuningEnabled)
                        .inputTable(inputTable).mappedVerification(verifyMappedTable ? MappedVerification.VERIFY : MappedVerification.SKIP)
                        .baseModelPolicy(baseModelPolicy).build();
            } catch (IllegalArgumentException e) {
                boolean badName = e.getMessage().startsWith("model name");
                throw new InvalidKindlingPropertyException(badName ? "kindling.models." + name : "kindling.models." + name + ".devices",
                        badName ? null : devices, e.getMessage(), badName ? "Name the model with 1-64 letters, digits, '.', '_' or '-'."
                        : "Set it to auto, cpu, or a list of devices such as cuda:0,cuda:1.");
            }
        }

        /**
         * This model's fine-tuning where it differs from the service's, with its guardrails; {@code heldOut} resolves a held-out
         * file's location to a local file.
         */
        public ModelTuning toTuning(String name, Function<String, Path> heldOut) {
            try {
                return tuning.toTuning(guardrails.toSettings(heldOut));
            } catch (IllegalArgumentException e) {
                throw new InvalidKindlingPropertyException("kindling.models." + name + ".guardrails", null, e.getMessage(),
                        "Change the kindling.models." + name + ".guardrails.* values named above.");
            }
        }

        public ModelTuningProperties getTuning() {
            return tuning;
        }

        public void setTuning(ModelTuningProperties tuning) {
            this.tuning = tuning;
        }

        public GuardrailsProperties getGuardrails() {
            return guardrails;
        }

        public void setGuardrails(GuardrailsProperties guardrails) {
            this.guardrails = guardrails;
        }

        public String getCheckpoint() {
            return checkpoint;
        }

        public void setCheckpoint(String checkpoint) {
            this.checkpoint = checkpoint;
        }

        public ClassifierType getType() {
            return type;
        }

        public void setType(ClassifierType type) {
            this.type = type;
        }

        public int getK() {
            return k;
        }

        public void setK(int k) {
            this.k = k;
        }

        public float getThreshold() {
            return threshold;
        }

        public void setThreshold(float threshold) {
            this.threshold = threshold;
        }

        public String getDevices() {
            return devices;
        }

        public void setDevices(String devices) {
            this.devices = devices;
        }

        /** Deprecated name of {@code devices} (it read as one device while it takes a list). */
        @Deprecated(since = "0.1.0")
        public String getDevice() {
            return devices;
        }

        /** Read as {@code devices}; {@code LegacyPropertyNames} logs the deprecation once. */
        @Deprecated(since = "0.1.0")
        public void setDevice(String device) {
            this.devices = device;
        }

        public boolean isFineTuning() {
            return fineTuning;
        }

        public void setFineTuning(boolean fineTuning) {
            this.fineTuning = fineTuning;
        }

        public TablePlacement getInputTable() {
            return inputTable;
        }

        public void setInputTable(TablePlacement inputTable) {
            this.inputTable = inputTable;
        }

        public boolean isVerifyMappedTable() {
            return verifyMappedTable;
        }

        public void setVerifyMappedTable(boolean verifyMappedTable) {
            this.verifyMappedTable = verifyMappedTable;
        }

        public BaseModelPolicy getBaseModelPolicy() {
            return baseModelPolicy;
        }

        public void setBaseModelPolicy(BaseModelPolicy baseModelPolicy) {
            this.baseModelPolicy = baseModelPolicy;
        }
    }
}
