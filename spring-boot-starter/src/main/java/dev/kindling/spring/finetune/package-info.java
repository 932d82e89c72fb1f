/**
 * Wiring of online fine-tuning: kindling.fine-tuning.* properties become the engine's FineTuningSettings; the engine's FineTuningService as a bean.
 */
package dev.kindling.spring.finetune;
