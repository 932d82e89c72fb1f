/**
 * The serving engine, usable from a plain main: ServingEngine (models, durable online learning, jobs,
 * checkpoints) and ClassificationService. Depends on its sub-packages, device, io and tensor; nothing in
 * sdk-core depends on it, and it never depends on Spring (the starter wires it).
 */
package dev.kindling.core.serving;
