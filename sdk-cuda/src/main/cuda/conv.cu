// Direct convolutions (temporal and spatial): the data movement around the cuBLAS GEMMs. The host side
// (CudaTemporalConv, CudaSpatialConv) orchestrates these kernels as ConvSteps; DeviceConvSteps launches
// them, and the tests' HostConvSteps holds a line-by-line Java transliteration of each, run against the
// CPU backend without a GPU. Unfolds copy each output position's receptive field into a workspace; their
// adjoints are gathers (each input element sums, in tap order, the unfolded entries that came from it),
// so no atomics, and sums come in the CPU reference's order. Bias fill and bias-gradient reductions are
// here too; every reduction has a fixed order (reproducible results).
//
// Layouts (all row-major, element offsets; the host passes pointers already moved to the first image
// of a chunk of n images):
//   temporal x [n, T, in], unfolded cols [n*steps, kW*in]                       (CpuConv.unfoldTemporal)
//   spatial  x [n, C, H, W], unfolded cols [C*kH*kW, n*plane], plane = oh*ow    (CpuConv.im2col, with the
//            images side by side in the columns so one GEMM over n*plane columns gives the weight gradient)
#include "common.cuh"

// Block-per-segment loops: each block takes whole segments (grid-strided), its threads stride over the
// segment's elements. The index arithmetic (divisions) is then per segment, not per element, and
// consecutive threads touch consecutive addresses.
#define KD_SEGMENTS(s, count) for (long long s = blockIdx.x; s < (long long)(count); s += gridDim.x)
#define KD_WITHIN(q, len) for (int q = threadIdx.x; q < (len); q += blockDim.x)

// cols[b*steps + p, j*in + i] = x[b, p*dW + j, i]: the kW frames of window p are contiguous in x, so a
// row of cols is one contiguous run of kW*in input values starting at frame p*dW. One segment per row.
// CPU reference: CpuConv.unfoldTemporal.
extern "C" __global__ void temporal_unfold(const float* x, float* cols, int n, int T, int in, int steps, int kW, int dW) {
    int row = kW * in;
    KD_SEGMENTS(r, (long long)n * steps) {
        long long b = r / steps;
        long long p = r - b * steps;
        const float* src = x + (b * T + p * dW) * in;
        float* dst = cols + r * row;
        KD_WITHIN(m, row) dst[m] = src[m];
    }
}

// The adjoint of temporal_unfold, as a gather: gi[b, t, i] = sum over taps j with t - j = p*dW,
// 0 <= p < steps, of gcols[b*steps + p, j*in + i]. Overwrites gi (frames no window covers get 0).
// Taps run from the last to the first, i.e. windows p in increasing order, the order in which the CPU
// reference (CpuConv.temporalBackwardInput) adds them. One segment per frame (b, t).
extern "C" __global__ void temporal_fold(const float* gcols, float* gi, int n, int T, int in, int steps, int kW, int dW) {
    long long row = (long long)kW * in;
    KD_SEGMENTS(bt, (long long)n * T) {
        long long b = bt / T;
        int t = (int)(bt - b * T);
        KD_WITHIN(i, in) {
            float acc = 0.f;
            for (int j = min(kW - 1, t); j >= 0; j--) {
                int d = t - j;
                if (d % dW != 0) continue;
                int p = d / dW;
                if (p >= steps) break;  // p only grows as j falls
                acc += gcols[(b * steps + p) * row + (long long)j * in + i];
            }
            gi[bt * in + i] = acc;
        }
    }
}

// cols[(c*kH + ki)*kW + kj, b*plane + oy*ow + ox] = x[b, c, oy*dH - padH + ki, ox*dW - padW + kj], 0 where
// the window lies in the padding. One segment per (row of cols, image): plane contiguous outputs, for
// stride 1 read from consecutive input pixels. CPU reference: CpuConv.im2col.
extern "C" __global__ void im2col_batch(const float* x, float* cols, int n, int C, int H, int W, int kH, int kW, int dH, int dW,
                                        int padH, int padW, int oh, int ow) {
    int plane = oh * ow;
    KD_SEGMENTS(s, (long long)C * kH * kW * n) {
        long long kk = s / n;
        long long b = s - kk * n;
        int kj = (int)(kk % kW);
        int r = (int)(kk / kW);
        int ki = r % kH, c = r / kH;
        const float* img = x + (b * C + c) * H * W;
        float* dst = cols + kk * n * plane + b * plane;  // = cols + s * plane
        KD_WITHIN(q, plane) {
            int oy = q / ow, ox = q - oy * ow;
            int iy = oy * dH - padH + ki, ix = ox * dW - padW + kj;
            dst[q] = (iy >= 0 && iy < H && ix >= 0 && ix < W) ? img[iy * W + ix] : 0.f;
        }
    }
}

// The adjoint of im2col_batch, as a gather: gi[b, c, y, x] = sum over (ki, kj) with
// oy*dH - padH + ki = y and ox*dW - padW + kj = x (0 <= oy < oh, 0 <= ox < ow) of
// gcols[(c*kH + ki)*kW + kj, b*plane + oy*ow + ox]. Overwrites gi. Taps in (ki, kj) order, the order
// in which the CPU reference (CpuConv.col2imAdd) adds them into one input pixel. One segment per
// input plane (b, c).
extern "C" __global__ void col2im_batch(const float* gcols, float* gi, int n, int C, int H, int W, int kH, int kW, int dH, int dW,
                                        int padH, int padW, int oh, int ow) {
    long long plane = (long long)oh * ow;
    long long ncol = (long long)n * plane;
    KD_SEGMENTS(bc, (long long)n * C) {
        long long b = bc / C;
        int c = (int)(bc - b * C);
        const float* tapBase = gcols + (long long)c * kH * kW * ncol + b * plane;
        KD_WITHIN(yx, H * W) {
            int y = yx / W, x = yx - y * W;
            float acc = 0.f;
            for (int ki = 0; ki < kH; ki++) {
                int ty = y + padH - ki;
                if (ty < 0) break;  // ty only falls as ki grows
                if (ty % dH != 0) continue;
                int oy = ty / dH;
                if (oy >= oh) continue;
                const float* rowBase = tapBase + (long long)ki * kW * ncol + (long long)oy * ow;
                for (int kj = 0; kj < kW; kj++) {
                    int tx = x + padW - kj;
                    if (tx < 0) break;
                    if (tx % dW != 0) continue;
                    int ox = tx / dW;
                    if (ox >= ow) continue;
                    acc += rowBase[(long long)kj * ncol + ox];
                }
            }
            gi[bc * H * W + yx] = acc;
        }
    }
}

// y[r, c] = bias[c] for the temporal output [rows, O], before the GEMM adds into it (beta 1).
extern "C" __global__ void fill_bias_rows(float* y, const float* bias, long long rows, int O) {
    KD_SEGMENTS(r, rows) {
        KD_WITHIN(c, O) y[r * O + c] = bias[c];
    }
}

// y[b, o, q] = bias[o] for the spatial output [B, O, plane] (runs = B*O), before the GEMM adds into it.
extern "C" __global__ void fill_bias_planes(float* y, const float* bias, long long runs, int O, int plane) {
    KD_SEGMENTS(s, runs) {
        float v = bias[s % O];
        KD_WITHIN(q, plane) y[s * plane + q] = v;
    }
}

// dst[o, b*plane + q] = src[b, o, q] for b < n: gradOutput of n images side by side in the columns,
// so that one GEMM over n*plane columns sums the weight gradient over the images. One segment per (o, b).
extern "C" __global__ void batch_to_columns(const float* src, float* dst, int n, int O, int plane) {
    KD_SEGMENTS(s, (long long)O * n) {
        long long o = s / n;
        long long b = s - o * n;
        const float* from = src + (b * O + o) * plane;
        float* to = dst + s * plane;  // = dst + o * n * plane + b * plane
        KD_WITHIN(q, plane) to[q] = from[q];
    }
}

// partial[s] = sum of the plane-sized run s of go (one block per run, grid-strided over runs): the
// first stage of the spatial bias gradient, one partial per (image, output plane). blockDim.x must be
// a multiple of 32.
extern "C" __global__ void plane_sums(const float* go, long long runs, long long plane, float* partial) {
    for (long long s = blockIdx.x; s < runs; s += gridDim.x) {
        const float* src = go + s * plane;
        float acc = 0.f;
        for (long long q = threadIdx.x; q < plane; q += blockDim.x) acc += src[q];
        acc = kd_block_sum(acc);
        if (threadIdx.x == 0) partial[s] = acc;
    }
}

// partial[slice, c] = sum of m[r, c] over the rows r of the slice [slice*rowsPerSlice, +rowsPerSlice):
// the first stage of the temporal bias gradient (a column sum of [B*steps, O]). Block = 32 columns x
// 8 row phases (blockDim.x == 256); blockIdx.x = slice * colBlocks + column block.
extern "C" __global__ void column_sums_partial(const float* m, long long rows, int cols, int colBlocks, long long rowsPerSlice,
                                               float* partial) {
    __shared__ float part[8][33];
    int tx = threadIdx.x & 31, ty = threadIdx.x >> 5;
    int cb = blockIdx.x % colBlocks;
    long long slice = blockIdx.x / colBlocks;
    int c = cb * 32 + tx;
    long long r0 = slice * rowsPerSlice;
    long long r1 = min(rows, r0 + rowsPerSlice);
    float s = 0.f;
    if (c < cols) {
        for (long long r = r0 + ty; r < r1; r += 8) s += m[r * cols + c];
    }
    part[ty][tx] = s;
    __syncthreads();
    if (ty == 0 && c < cols) {
        float t = 0.f;
        for (int k = 0; k < 8; k++) t += part[k][tx];
        partial[slice * cols + c] = t;
    }
}

// out[c] += sum over s < slices of partial[s, c], in slice order (the second stage of both bias
// gradients; spatial: partial [B, O] from plane_sums).
extern "C" __global__ void column_sums_finish(const float* partial, long long slices, int cols, float* out) {
    KD_FOR(c, cols) {
        double s = 0.0;
        for (long long k = 0; k < slices; k++) s += partial[k * cols + c];
        out[c] += (float)s;
    }
}
