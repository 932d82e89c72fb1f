package dev.kindling.spring.model;

import dev.kindling.core.text.TablePlacement;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code kindling.models.<name>.*}: the classifiers to serve. */
@ConfigurationProperties("kindling")
public class KindlingModelProperties {

    /** Models by name. */
    private Map<String, Model> models = new LinkedHashMap<>();

    public Map<String, Model> getModels() {
        return models;
    }

    public void setModels(Map<String, Model> models) {
        this.models = models;
    }

    /** Output layer kind a model must have. */
    public enum ClassifierType {
        /** Binary Huffman-tree hierarchical softmax (fastText's {@code -loss hs}; cost ~ log₂ classes per example). */
        HS,
        /** Two-level hierarchical softmax (cost ~ √classes per example). */
        HSM,
        /** Exact full softmax. */
        SOFTMAX,
        /** One logistic regression per label trained by negative sampling (fastText's {@code -loss ns}). */
        NS,
        /** One logistic regression per label, multi-label (fastText's {@code -loss ova}). */
        OVA,
        /** Whatever the checkpoint holds. */
        ANY
    }

    /** One model. */
    public static class Model {

        /** The model file to start from (a Kindling text-classifier checkpoint, e.g. written by `bin/kindling supervised`). */
        private Path checkpoint;

        /** The output layer the checkpoint must have. */
        private ClassifierType type = ClassifierType.ANY;

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
