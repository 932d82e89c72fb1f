// The data-movement kernels of the FFT convolution (CudaFftConv.java); cuFFT does the transforms and
// cuBLAS the per-frequency complex GEMMs. Each kernel's CPU reference is in CudaFftKernelsTest.java,
// which checks it on odd sizes; the whole convolution is checked against the CPU backend's CpuFftConv.
//
// Layouts: real planes are [planes][nh][nw] row-major (cuFFT's natural input); spectra for the GEMMs are
// [freq][plane] complex (float2), freq = row · (nw/2 + 1) + column of the half spectrum.
#include "common.cuh"

// Warp w of the grid handles rows w, w + warps, ... (blockDim.x a multiple of 32); lanes stride a row.
#define FFT_WARP_ROWS(r, total)                                                                   \
    for (long long r = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5; r < (long long)(total); \
         r += ((long long)gridDim.x * blockDim.x) >> 5)

// Zero padding written into the transform buffer: dst plane p is the rows × cols plane p of src placed
// with its top-left corner at (top, left) of an nh × nw grid of zeros. cuFFT reads only dense arrays
// (its load callbacks need static linking), so the padding is materialized here, in one coalesced pass
// that also writes the zeros (no separate memset).
// CPU reference: CudaFftKernelsTest.padReference.
extern "C" __global__ void fft_pad_planes(const float* __restrict__ src, long long planes, int rows, int cols, int top,
                                          int left, float* __restrict__ dst, int nh, int nw) {
    int lane = threadIdx.x & 31;
    FFT_WARP_ROWS(r, planes * nh) {
        long long p = r / nh;
        int sy = (int)(r - p * nh) - top;
        float* out = dst + r * nw;
        if (sy < 0 || sy >= rows) {
            for (int x = lane; x < nw; x += 32) out[x] = 0.f;
        } else {
            const float* in = src + (p * rows + sy) * cols;
            for (int x = lane; x < nw; x += 32) {
                int sx = x - left;
                out[x] = sx >= 0 && sx < cols ? in[sx] : 0.f;
            }
        }
    }
}

// The crop of an inverse transform, its 1/(nh·nw) normalization and the bias in one pass:
// dst[p][y][x] (+)= scale · src[p][r0 + y][c0 + x] + bias[p % biasPeriod] for y < nr, x < nc.
// bias may be null; accumulate adds to dst (gradWeight) instead of overwriting it.
// CPU reference: CudaFftKernelsTest.cropReference.
extern "C" __global__ void fft_crop_planes(const float* __restrict__ src, int nh, int nw, long long planes, int r0, int nr,
                                           int c0, int nc, float scale, const float* __restrict__ bias, int biasPeriod,
                                           int accumulate, float* __restrict__ dst) {
    int lane = threadIdx.x & 31;
    FFT_WARP_ROWS(r, planes * nr) {
        long long p = r / nr;
        int y = (int)(r - p * nr);
        const float* in = src + (p * nh + r0 + y) * nw + c0;
        float* out = dst + r * nc;
        float b = bias ? bias[p % biasPeriod] : 0.f;
        for (int x = lane; x < nc; x += 32) {
            float v = scale * in[x] + b;
            out[x] = accumulate ? out[x] + v : v;
        }
    }
}

// dst = transpose of the rows × cols complex matrix src: dst[c][r] = src[r][c]. Between cuFFT's
// natural [plane][freq] layout and the GEMMs' [freq][plane] when CudaFftConv uses the TRANSPOSED
// layout. 32 × 32 tiles through shared memory so reads and writes are both coalesced; one tile per
// block at a time, tiles strided over the grid. blockDim.x must be a multiple of 32 (at most 1024).
// CPU reference: CudaFftKernelsTest.transposeReference.
extern "C" __global__ void fft_transpose_c(const float2* __restrict__ src, long long rows, long long cols,
                                           float2* __restrict__ dst) {
    __shared__ float2 tile[32][33];
    int lx = threadIdx.x & 31, ly = threadIdx.x >> 5, ny = blockDim.x >> 5;
    long long tilesC = (cols + 31) / 32, tiles = (rows + 31) / 32 * tilesC;
    for (long long t = blockIdx.x; t < tiles; t += gridDim.x) {
        long long r0 = t / tilesC * 32, c0 = t % tilesC * 32;
        for (int j = ly; j < 32; j += ny) {
            long long r = r0 + j, c = c0 + lx;
            if (r < rows && c < cols) tile[j][lx] = src[r * cols + c];
        }
        __syncthreads();
        for (int j = ly; j < 32; j += ny) {
            long long c = c0 + j, r = r0 + lx;
            if (r < rows && c < cols) dst[c * rows + r] = tile[lx][j];
        }
        __syncthreads();
    }
}

// gradBias[o] += Σ_b Σ_q go[b][o][q] over planes of `plane` elements; one block per o, summed in
// double in a fixed order (reproducible), as CpuConv.addBiasGradient does.
extern "C" __global__ void fft_bias_grad(const float* __restrict__ go, int batch, int nOut, long long plane,
                                         float* __restrict__ gradBias) {
    for (int o = blockIdx.x; o < nOut; o += gridDim.x) {
        double s = 0.0;
        for (int b = 0; b < batch; b++) {
            const float* g = go + ((long long)b * nOut + o) * plane;
            for (long long q = threadIdx.x; q < plane; q += blockDim.x) s += g[q];
        }
        s = kd_block_sum_d(s);
        if (threadIdx.x == 0) gradBias[o] += (float)s;
    }
}
