/**
 * Internals of the CUDA backend, not API: device memory and the way host data gets there.
 * {@link dev.kindling.cuda.memory.CachingAllocator} keeps freed blocks by size class under a hard limit and
 * reaches the driver only through {@link dev.kindling.cuda.memory.RawDeviceMemory} (a fake stands in for it
 * in tests); {@link dev.kindling.cuda.memory.DeviceBlock} is one block, handed back on close;
 * {@link dev.kindling.cuda.memory.PinnedStaging} moves every host↔device copy through page-locked buffers.
 * Knows nothing of devices or kernels: the runtime builds on this package, not the other way round.
 */
package dev.kindling.cuda.memory;
