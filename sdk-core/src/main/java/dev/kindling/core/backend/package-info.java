/**
 * The backend SPI: Backend and its op families, the argument checks every backend shares, and Backends,
 * which finds the implementations with ServiceLoader (the CPU one as HostBackend, whose HostKernels and
 * TreePathKernels serve code that loops over host tensors itself). Depends only on tensor, which takes its
 * ops from here: tensor and this package are one layer; implementations live in sub-packages nobody else names.
 */
package dev.kindling.core.backend;
