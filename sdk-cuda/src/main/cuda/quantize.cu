// 1-bit quantization with error feedback (Seide et al. 2014): x = gradient + residual; sign bits packed
// 32 to a word in row-major order of the block with warp ballots; per row or per column the means of
// the non-negative and of the negative x; residual = x - dequantized(x), added once per step.
#include "common.cuh"

// g and res are [rows, ld] with the block at columns [0, cols) (pointers already offset to col0).
__device__ __forceinline__ float q_x(const float* g, const float* res, long long i) {
    return res ? g[i] + res[i] : g[i];
}

// One block per row: pos[r], neg[r] = means of the non-negative and negative x (0 when none).
// bad[0] is set when a mean is not finite.
extern "C" __global__ void quantize_row_means(const float* g, const float* res, int ld, int rows, int cols, float* pos,
                                              float* neg, int* bad) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        double ps = 0.0, ns = 0.0, pc = 0.0;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) {
            float x = q_x(g, res, (long long)r * ld + c);
            if (x >= 0.f) { ps += x; pc += 1.0; } else { ns += x; }
        }
        ps = kd_block_sum_d(ps);
        ns = kd_block_sum_d(ns);
        pc = kd_block_sum_d(pc);
        if (threadIdx.x == 0) {
            double nc = cols - pc;
            float p = pc > 0 ? (float)(ps / pc) : 0.f, q = nc > 0 ? (float)(ns / nc) : 0.f;
            pos[r] = p;
            neg[r] = q;
            if (!isfinite(p) || !isfinite(q)) atomicOr(bad, 1);
        }
        __syncthreads();
    }
}

// One thread per column (coalesced across a row), summing down the rows in order.
extern "C" __global__ void quantize_col_means(const float* g, const float* res, int ld, int rows, int cols, float* pos,
                                              float* neg, int* bad) {
    KD_FOR(c, cols) {
        double ps = 0.0, ns = 0.0;
        int pc = 0;
        for (int r = 0; r < rows; r++) {
            float x = q_x(g, res, (long long)r * ld + c);
            if (x >= 0.f) { ps += x; pc++; } else { ns += x; }
        }
        int nc = rows - pc;
        float p = pc > 0 ? (float)(ps / pc) : 0.f, q = nc > 0 ? (float)(ns / nc) : 0.f;
        pos[c] = p;
        neg[c] = q;
        if (!isfinite(p) || !isfinite(q)) atomicOr(bad, 1);
    }
}

// One warp per 32 consecutive block entries k = r * cols + c: a ballot of (x >= 0) is word k / 32.
// Also writes residual = x - reconstruction when res is not null.
extern "C" __global__ void quantize_pack(const float* g, float* res, int ld, int rows, int cols, int perRow, const float* pos,
                                         const float* neg, unsigned int* bits) {
    long long total = (long long)rows * cols;
    long long words = (total + 31) >> 5;
    int lane = threadIdx.x & 31;
    long long warpId = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    long long warps = ((long long)gridDim.x * blockDim.x) >> 5;
    for (long long w = warpId; w < words; w += warps) {
        long long k = w * 32 + lane;
        bool in = k < total;
        bool bit = false;
        if (in) {
            int r = (int)(k / cols), c = (int)(k - (long long)r * cols);
            long long i = (long long)r * ld + c;
            float x = q_x(g, res, i);
            bit = x >= 0.f;
            if (res) {
                int grp = perRow ? r : c;
                res[i] = x - (bit ? pos[grp] : neg[grp]);
            }
        }
        unsigned int word = __ballot_sync(KD_FULL_MASK, bit);
        if (lane == 0) bits[w] = word;
    }
}

// out[r, c] (=|+=) reconstruction of entry (r, c); out points at the block's first column, row stride ld.
extern "C" __global__ void dequantize(const unsigned int* bits, const float* pos, const float* neg, int perRow, float* out,
                                      int ld, int rows, int cols, int accumulate) {
    KD_FOR(k, (long long)rows * cols) {
        int r = (int)(k / cols), c = (int)(k - (long long)r * cols);
        bool bit = (bits[k >> 5] >> (k & 31)) & 1u;
        int grp = perRow ? r : c;
        float v = bit ? pos[grp] : neg[grp];
        long long i = (long long)r * ld + c;
        out[i] = accumulate ? out[i] + v : v;
    }
}
