/**
 * The GPU benchmark's Kindling side (CUDA-event timings printed as RESULT lines that sdk-cuda/scripts/gpu-check.sh sets beside PyTorch's); needs sdk-cuda on the class path and a GPU.
 */
package dev.kindling.bench.gpu;
