package dev.kindling.sample;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code sample.*}: the sample service's own settings. */
@ConfigurationProperties("sample")
public class SampleProperties {

    /** API key required by the feedback and fine-tuning endpoints (header X-API-Key). Empty: a random key is generated and logged. */
    private String apiKey = "";

    /** Largest request body accepted by the API, in bytes (fine-tuning uploads have their own limit). */
    private long maxRequestBytes = 1024 * 1024;

    /** The default model trained from WordNet when no checkpoint exists yet. */
    private DefaultModel defaultModel = new DefaultModel();

    public String getApiKey() {
        return apiKey;
    }

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey;
    }

    public long getMaxRequestBytes() {
        return maxRequestBytes;
    }

    public void setMaxRequestBytes(long maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
    }

    public DefaultModel getDefaultModel() {
        return defaultModel;
    }

    public void setDefaultModel(DefaultModel defaultModel) {
        this.defaultModel = defaultModel;
    }

    /** Training settings of the WordNet model. */
    public static class DefaultModel {

        /** Name of the model the WordNet data trains (a kindling.models entry). */
        private String name = "wordnet";

        /** Use at most this many WordNet examples (0: all); tests use a small number. */
        private int maxExamples = 0;

        private int dim = 100;

        /** 25 epochs over word bigrams: the settings of Kindling's WordNet P@1 benchmark (README). */
        private int epochs = 25;

        private float learningRate = 0.5f;

        private int wordNgrams = 2;

        /**
         * Also label each synset with its hypernyms' hypernyms, so an everyday definition lands on a category a
         * person would name ("carnivore" for a dog) more often than on an obscure sibling category.
         */
        private boolean grandparentLabels = true;

        /** Training threads (0: one per core). */
        private int threads = 0;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public int getMaxExamples() {
            return maxExamples;
        }

        public void setMaxExamples(int maxExamples) {
            this.maxExamples = maxExamples;
        }

        public int getDim() {
            return dim;
        }

        public void setDim(int dim) {
            this.dim = dim;
        }

        public int getEpochs() {
            return epochs;
        }

        public void setEpochs(int epochs) {
            this.epochs = epochs;
        }

        public float getLearningRate() {
            return learningRate;
        }

        public void setLearningRate(float learningRate) {
            this.learningRate = learningRate;
        }

        public int getWordNgrams() {
            return wordNgrams;
        }

        public void setWordNgrams(int wordNgrams) {
            this.wordNgrams = wordNgrams;
        }

        public boolean isGrandparentLabels() {
            return grandparentLabels;
        }

        public void setGrandparentLabels(boolean grandparentLabels) {
            this.grandparentLabels = grandparentLabels;
        }

        public int getThreads() {
            return threads;
        }

        public void setThreads(int threads) {
            this.threads = threads;
        }
    }
}
