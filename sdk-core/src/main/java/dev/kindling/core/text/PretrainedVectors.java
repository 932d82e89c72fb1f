package dev.kindling.core.text;

import java.util.List;

/** Word vectors to start training from ({@code -pretrainedVectors}): words and their values, row-major. */
public record PretrainedVectors(List<String> words, float[] values, int dim) {

    public PretrainedVectors {
        if (dim < 1 || (long) words.size() * dim != values.length) {
            throw new IllegalArgumentException(words.size() + " pretrained words of " + dim + " values need " + (long) words.size() * dim
                    + " values, got " + values.length);
        }
    }
}
