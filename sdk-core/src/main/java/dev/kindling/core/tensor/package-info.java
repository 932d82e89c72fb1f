/**
 * Tensors and their memory: Tensor (float32, row-major, on one Device), IndexTensor, RowSparse, and the
 * Storage / HostStorage interfaces that backends implement. Depends only on the backend SPI, which it
 * dispatches to; the two form one layer (see the backend package).
 */
package dev.kindling.core.tensor;
