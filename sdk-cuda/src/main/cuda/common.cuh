// Helpers shared by every Kindling kernel file. Kernels are extern "C" so the host finds them by
// plain name; every size is passed as a 64-bit count where a tensor can exceed 2^31 elements.
#pragma once
#include <stdint.h>

#define KD_FULL_MASK 0xffffffffu

// Grid-stride loop over [0, n): correct for any grid size, so the host can cap the grid.
#define KD_FOR(i, n) \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (long long)(n); \
         i += (long long)blockDim.x * gridDim.x)

__device__ __forceinline__ float kd_warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(KD_FULL_MASK, v, o);
    return v;
}

__device__ __forceinline__ double kd_warp_sum_d(double v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(KD_FULL_MASK, v, o);
    return v;
}

__device__ __forceinline__ float kd_warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(KD_FULL_MASK, v, o));
    return v;
}

// Block-wide reductions for blockDim.x a multiple of 32 (at most 1024). Every thread gets the
// result; the order of additions is fixed by the thread layout, so results are reproducible.
__device__ __forceinline__ double kd_block_sum_d(double v) {
    __shared__ double kd_partial_d[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = kd_warp_sum_d(v);
    __syncthreads();
    if (lane == 0) kd_partial_d[warp] = v;
    __syncthreads();
    double r = lane < warps ? kd_partial_d[lane] : 0.0;
    return kd_warp_sum_d(r);
}

__device__ __forceinline__ float kd_block_sum(float v) {
    __shared__ float kd_partial_f[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = kd_warp_sum(v);
    __syncthreads();
    if (lane == 0) kd_partial_f[warp] = v;
    __syncthreads();
    float r = lane < warps ? kd_partial_f[lane] : 0.0f;
    return kd_warp_sum(r);
}

__device__ __forceinline__ float kd_block_max(float v) {
    __shared__ float kd_partial_m[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = kd_warp_max(v);
    __syncthreads();
    if (lane == 0) kd_partial_m[warp] = v;
    __syncthreads();
    float r = lane < warps ? kd_partial_m[lane] : -INFINITY;
    return kd_warp_max(r);
}

// Java's Float.compare order as an integer key: -0 < +0, NaN (any payload) above +Inf.
__device__ __forceinline__ int kd_float_order(float x) {
    int b = isnan(x) ? 0x7fc00000 : __float_as_int(x);
    return b >= 0 ? b : b ^ 0x7fffffff;
}
