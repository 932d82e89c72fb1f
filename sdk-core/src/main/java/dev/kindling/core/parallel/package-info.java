/**
 * Spreading one model over a device pool: {@link dev.kindling.core.parallel.DataParallel} (replicas on split
 * batches, gradients combined by a ring {@link dev.kindling.core.parallel.AllReduce}) and
 * {@link dev.kindling.core.parallel.ModelParallel} (children on different devices, outputs concatenated).
 * Every phase runs with a deadline, so a failing or stuck replica fails the call instead of hanging it.
 * Depends on device, nn, optim, tensor and the backend SPI.
 */
package dev.kindling.core.parallel;
