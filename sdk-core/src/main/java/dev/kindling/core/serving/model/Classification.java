package dev.kindling.core.serving.model;

import java.util.List;

/** The top labels of one text, by one version of one model, and the device that computed them. */
public record Classification(String model, long version, String device, List<LabelScore> labels) {

    /** A label (without the model's label prefix) and its probability. */
    public record LabelScore(String label, float probability) {
    }
}
