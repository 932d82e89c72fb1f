/**
 * Optimizers (SGD with momentum, Adagrad) that update a module's parameters from their dense or
 * row-sparse gradients. Depends on nn, tensor and the backend SPI.
 */
package dev.kindling.core.optim;
