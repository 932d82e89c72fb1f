/**
 * Guardrails for models that learn online: the label policy (allow-list, pattern, caps on new labels and on examples per
 * label) checked before anything is logged, the validation gate that scores each learned version on held-out examples
 * before it is served, the kept versions a model can be rolled back to (with their parameter digests), the audit trail
 * of who changed a model, and online accuracy. Depends on the model and io layers; the fine-tuner calls it.
 */
package dev.kindling.core.serving.guard;
