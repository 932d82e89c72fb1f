package dev.kindling.core.serving.model;

import dev.kindling.core.text.TextClassifier;

import java.util.Optional;

/**
 * Creates a model when neither a fine-tuning checkpoint nor the configured checkpoint file exists (e.g.
 * the sample service trains a default model on first start). Applications declare it as a bean; the
 * first initializer returning a model wins.
 */
@FunctionalInterface
public interface ModelInitializer {

    Optional<TextClassifier> create(String modelName, ModelSettings settings);
}
