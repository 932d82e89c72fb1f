/**
 * Files and durability: safetensors checkpoints of module parameters, atomic file replacement, CRC32C, the
 * write-ahead log with its record format, the data-directory lock and a small JSON reader/writer. Depends on
 * nn, tensor and the backend SPI (host storage for memory-mapped tensors).
 */
package dev.kindling.core.io;
