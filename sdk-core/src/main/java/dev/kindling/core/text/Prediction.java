package dev.kindling.core.text;

/** A predicted label (with its prefix) and its probability. */
public record Prediction(String label, float probability) {
}
