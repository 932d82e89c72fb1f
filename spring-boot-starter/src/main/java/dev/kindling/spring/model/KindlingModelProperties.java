package dev.kindling.spring.model;

import dev.kindling.core.io.MappedVerification;
import dev.kindling.core.serving.model.ClassifierType;
import dev.kindling.core.serving.model.ModelSettings;
import dev.kindling.core.serving.model.RequestLimits;
import dev.kindling.core.text.TablePlacement;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code kindling.models.<name>.*}: the classifiers to serve. */
@ConfigurationProperties("kindling")
public class KindlingModelProperties {

    /** Models by name. */
    private Map<String, Model> models = new LinkedHashMap<>();

    /** Request-size limits the engine applies to classification and feedback (beyond them: 413). */
    private RequestLimitsProperties requestLimits = new RequestLimitsProperties();

    public RequestLimitsProperties getRequestLimits() {
        return requestLimits;
    }

    public void setRequestLimits(RequestLimitsProperties requestLimits) {
        this.requestLimits = requestLimits;
    }

    /** {@code kindling.request-limits.*}. */
    public static class RequestLimitsProperties {

        /** Most texts in one classification request. */
        private int maxTexts = RequestLimits.DEFAULT.maxTexts();

        /** Longest text to classify or learn from, in characters. */
        private int maxTextChars = RequestLimits.DEFAULT.maxTextChars();

        public int getMaxTexts() {
            return maxTexts;
        }

        public void setMaxTexts(int maxTexts) {
            this.maxTexts = maxTexts;
        }

        public int getMaxTextChars() {
            return maxTextChars;
        }

        public void setMaxTextChars(int maxTextChars) {
            this.maxTextChars = maxTextChars;
        }

        public RequestLimits toLimits() {
            try {
                return new RequestLimits(maxTexts, maxTextChars);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("kindling.request-limits." + e.getMessage());
            }
        }
    }

    public Map<String, Model> getModels() {
        return models;
    }

    public void setModels(Map<String, Model> models) {
        this.models = models;
    }

    /** The engine's settings of every model; fails with a message naming the bad property. */
    public List<ModelSettings> toSettings(boolean fineTuningEnabled) {
        List<ModelSettings> out = new ArrayList<>();
        models.forEach((name, m) -> out.add(m.toSettings(name, fineTuningEnabled)));
        return out;
    }

    /** One model. */
    public static class Model {

        /** The model file to start from (a Kindling text-classifier checkpoint, e.g. written by `bin/kindling supervised`). */
        private Path checkpoint;

        /** The output layer the checkpoint must have. */
        private ClassifierType type = ClassifierType.ANY;

        /** This model's engine settings ({@code fineTuningEnabled}: the global switch, kindling.fine-tuning.enabled). */
        public ModelSettings toSettings(String name, boolean fineTuningEnabled) {
            try {
                return ModelSettings.builder(name).checkpoint(checkpoint).type(type).k(k).devices(device)
                        .fineTuning(fineTuning && fineTuningEnabled).inputTable(inputTable).mappedVerification(mappedVerification()).build();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage().startsWith("model name") ? "kindling.models: " + e.getMessage()
                        : "kindling.models." + name + "." + e.getMessage());   // the whole message: no cause needed
            }
        }

        /** How many labels a classification returns when the request does not say. */
        private int k = 5;

        /**
         * Devices this model may run on: "auto" (any in the pool), "cpu", or a list such as "cuda:1"; the CPU
         * is always the fallback when they fail or are busy.
         */
        private String device = "auto";

        /** Whether this model accepts feedback and fine-tuning jobs. */
        private boolean fineTuning = true;

        /**
         * Where the input (embedding) table lives: heap; off-heap (native memory, for tables larger than the
         * heap); or mapped (copy-on-write from the checkpoint file, paged in as rows are read).
         */
        private TablePlacement inputTable = TablePlacement.HEAP;

        /**
         * Whether loading a mapped input table verifies its checksum by reading it once (from disk or the page
         * cache, at about sequential-read speed). false leaves it unverified so that start-up touches none of its
         * pages, for tables much larger than memory; the header and the other tables are verified either way.
         */
        private boolean verifyMappedTable = true;

        public boolean isVerifyMappedTable() {
            return verifyMappedTable;
        }

        public void setVerifyMappedTable(boolean verifyMappedTable) {
            this.verifyMappedTable = verifyMappedTable;
        }

        /** How to load this model's files. */
        public MappedVerification mappedVerification() {
            return verifyMappedTable ? MappedVerification.VERIFY : MappedVerification.SKIP;
        }

        public TablePlacement getInputTable() {
            return inputTable;
        }

        public void setInputTable(TablePlacement inputTable) {
            this.inputTable = inputTable;
        }

        public Path getCheckpoint() {
            return checkpoint;
        }

        public void setCheckpoint(Path checkpoint) {
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

        public String getDevice() {
            return device;
        }

        public void setDevice(String device) {
            this.device = device;
        }

        public boolean isFineTuning() {
            return fineTuning;
        }

        public void setFineTuning(boolean fineTuning) {
            this.fineTuning = fineTuning;
        }
    }
}
