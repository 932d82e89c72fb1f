/**
 * Large-vocabulary output layers: the two-level hierarchical softmax, the binary-tree softmax over a code
 * tree, and their exact top-k searches. Depends on nn, tensor and the backend SPI (host kernels through
 * Backends.cpu()).
 */
package dev.kindling.core.hsm;
