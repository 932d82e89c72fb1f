package dev.kindling.spring.classifier;

import dev.kindling.core.serving.model.ModelProvenance;

import java.util.List;

/**
 * A served model's state, for listings and health.
 *
 * @param name            the model's name
 * @param version         the version classification answers from (with a validation gate, the promoted one; learning may
 *                        be ahead of it); increases with every promoted update or swap
 * @param labels          how many labels it knows
 * @param labelPrefix     the label prefix of its training files (e.g. {@code __label__})
 * @param kind            its output layer as the CLI's {@code -loss} value: hs, hsm or softmax
 * @param fineTuning      whether it accepts feedback and jobs
 * @param examplesApplied examples it has learned since it was created
 * @param devices         the devices that can serve it: its accelerator replicas, then the CPU
 * @param provenance      what it was loaded from, with SHA-256 hashes
 */
public record ModelInfo(String name, long version, int labels, String labelPrefix, String kind, boolean fineTuning, long examplesApplied,
                        List<String> devices, ModelProvenance provenance) {
}
