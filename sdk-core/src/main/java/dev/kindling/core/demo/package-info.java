/**
 * The quick-start demo: a small classifier trained, checkpointed and reloaded, runnable with exec:exec.
 * Depends on nn, optim, io, tensor and the backend SPI.
 */
package dev.kindling.core.demo;
