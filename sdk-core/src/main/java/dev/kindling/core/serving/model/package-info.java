/**
 * Models being served: ModelRegistry, ServedModel (classification and fine-tuning under one lock),
 * their settings, examples and applied-sequence signals. Depends on text, hsm, io, tensor, serving.checkpoint
 * and serving.routing.
 */
package dev.kindling.core.serving.model;
