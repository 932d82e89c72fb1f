/**
 * Torch-style modules and criteria (Module, Parameter, Linear, LookupTable, EmbeddingBag, Sequential, ...),
 * computed through their tensors' backend. Depends on tensor and the backend SPI.
 */
package dev.kindling.core.nn;
