/**
 * Online fine-tuning: the per-model fine-tuner fed from the update log, FineTuningService, and durable
 * batch jobs (their store, files and runner). Depends on text, io and the other serving sub-packages except
 * the engine itself.
 */
package dev.kindling.core.serving.finetune;
