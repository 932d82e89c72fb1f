// Level-1 BLAS and row/column helpers (GEMM itself goes to cuBLAS).
#include "common.cuh"

extern "C" __global__ void fill_f32(float* x, long long n, float v) {
    KD_FOR(i, n) x[i] = v;
}

extern "C" __global__ void scale_f32(float* x, long long n, float a) {
    KD_FOR(i, n) x[i] *= a;
}

extern "C" __global__ void axpy_f32(float a, const float* x, float* y, long long n) {
    KD_FOR(i, n) y[i] += a * x[i];
}

// One double partial per block; the host adds the partials in block order (deterministic).
extern "C" __global__ void dot_partial_f32(const float* x, const float* y, long long n, double* partial) {
    double s = 0.0;
    KD_FOR(i, n) s += (double)x[i] * (double)y[i];
    s = kd_block_sum_d(s);
    if (threadIdx.x == 0) partial[blockIdx.x] = s;
}

// matrix[r, j] += v[j]
extern "C" __global__ void add_row_vector_f32(float* m, const float* v, long long rows, int cols) {
    KD_FOR(i, rows * (long long)cols) m[i] += v[i % cols];
}

// out[j] += alpha * sum_r m[r, j]. Block = 32 columns x 8 row slices; slices are combined in a fixed
// order through shared memory, so the result does not depend on scheduling.
extern "C" __global__ void sum_rows_f32(float alpha, const float* m, long long rows, int cols, float* out) {
    __shared__ float part[8][33];
    int tx = threadIdx.x & 31, ty = threadIdx.x >> 5;
    for (long long c0 = (long long)blockIdx.x * 32; c0 < cols; c0 += (long long)gridDim.x * 32) {
        long long c = c0 + tx;
        float s = 0.f;
        if (c < cols) {
            for (long long r = ty; r < rows; r += 8) s += m[r * cols + c];
        }
        part[ty][tx] = s;
        __syncthreads();
        if (ty == 0 && c < cols) {
            float t = 0.f;
            for (int k = 0; k < 8; k++) t += part[k][tx];
            out[c] += alpha * t;
        }
        __syncthreads();
    }
}

extern "C" __global__ void count_nonfinite_f32(const float* x, long long n, unsigned long long* count) {
    unsigned long long c = 0;
    KD_FOR(i, n) c += isfinite(x[i]) ? 0ull : 1ull;
    for (int o = 16; o > 0; o >>= 1) c += __shfl_xor_sync(KD_FULL_MASK, c, o);
    if ((threadIdx.x & 31) == 0 && c != 0) atomicAdd(count, c);
}
