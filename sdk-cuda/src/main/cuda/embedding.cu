// Embedding gathers, bags, and the deterministic sparse backward: (id, position) pairs are sorted by a
// stable LSD radix sort, equal ids form runs, and each run is reduced by one block in position order.
// No atomics touch gradient values, so the result is the same on every run.
#include "common.cuh"

// out[i, :] = table[ids[i], :]
extern "C" __global__ void gather_rows(const float* table, const int* ids, long long n, int dim, float* out) {
    KD_FOR(k, n * (long long)dim) {
        long long i = k / dim;
        int j = (int)(k - i * dim);
        out[k] = table[(long long)ids[i] * dim + j];
    }
}

// dense[rows[i], :] += alpha * values[i, :]; rows are distinct, so no two threads add to one element.
extern "C" __global__ void scatter_add_rows(float* dense, const int* rows, const float* values, long long n, int dim, float alpha) {
    KD_FOR(k, n * (long long)dim) {
        long long i = k / dim;
        int j = (int)(k - i * dim);
        dense[(long long)rows[i] * dim + j] += alpha * values[k];
    }
}

// table[rows[i], :] = values[i, :] (distinct rows): a replica taking the rows its source changed.
extern "C" __global__ void set_rows(float* table, const int* rows, const float* values, long long n, int dim) {
    KD_FOR(k, n * (long long)dim) {
        long long i = k / dim;
        int j = (int)(k - i * dim);
        table[(long long)rows[i] * dim + j] = values[k];
    }
}

// One block per bag, threads across the embedding dimension; ids are added in bag order.
extern "C" __global__ void embedding_bag_fwd(const float* table, const int* ids, const int* offsets, long long nIds, int bags,
                                             const float* weights, int mean, int padding, int dim, float* out) {
    for (int b = blockIdx.x; b < bags; b += gridDim.x) {
        int from = offsets[b];
        int to = b + 1 < bags ? offsets[b + 1] : (int)nIds;
        for (int j = threadIdx.x; j < dim; j += blockDim.x) {
            float acc = 0.f;
            int count = 0;
            for (int i = from; i < to; i++) {
                int id = ids[i];
                if (id == padding) continue;
                float w = weights ? weights[i] : 1.f;
                acc += w * table[(long long)id * dim + j];
                count++;
            }
            if (mean && count > 1) acc *= 1.f / (float)count;
            out[(long long)b * dim + j] = acc;
        }
    }
}

// Per position of a bag lookup: the sort key (id, or `sentinel` for padding), the position itself,
// its bag, and the factor the bag's gradient row is scaled by (weight / count, 0 for padding).
extern "C" __global__ void bag_positions(const int* ids, const int* offsets, long long nIds, int bags, const float* weights,
                                         int mean, int padding, unsigned int sentinel, unsigned int* keys, int* vals,
                                         int* bagOf, float* scale) {
    KD_FOR(b, bags) {
        int from = offsets[b];
        int to = b + 1 < bags ? offsets[b + 1] : (int)nIds;
        int count = 0;
        for (int i = from; i < to; i++) count += ids[i] != padding;
        float inv = mean && count > 0 ? 1.f / (float)count : 1.f;
        for (int i = from; i < to; i++) {
            int id = ids[i];
            bool pad = id == padding;
            keys[i] = pad ? sentinel : (unsigned int)id;
            vals[i] = i;
            bagOf[i] = (int)b;
            scale[i] = pad ? 0.f : (weights ? weights[i] : 1.f) * inv;
        }
    }
}

// The same for a plain lookup: every position is its own gradient row with factor 1.
extern "C" __global__ void lookup_positions(const int* ids, long long n, int padding, unsigned int sentinel, unsigned int* keys,
                                            int* vals, int* bagOf, float* scale) {
    KD_FOR(i, n) {
        int id = ids[i];
        bool pad = id == padding;
        keys[i] = pad ? sentinel : (unsigned int)id;
        vals[i] = (int)i;
        bagOf[i] = (int)i;
        scale[i] = pad ? 0.f : 1.f;
    }
}

// ---- exclusive scan of int arrays (blocks of 1024: 256 threads x 4 items) ---------------------

extern "C" __global__ void scan_blocks(const int* in, int* out, long long n, int* blockSums) {
    __shared__ int warpTotals[8];
    long long base = (long long)blockIdx.x * 1024 + threadIdx.x * 4;
    int v[4];
    int sum = 0;
    for (int k = 0; k < 4; k++) {
        v[k] = base + k < n ? in[base + k] : 0;
        sum += v[k];
    }
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    int inc = sum;
    for (int o = 1; o < 32; o <<= 1) {
        int t = __shfl_up_sync(KD_FULL_MASK, inc, o);
        if (lane >= o) inc += t;
    }
    if (lane == 31) warpTotals[warp] = inc;
    __syncthreads();
    int warpBase = 0;
    for (int w = 0; w < warp; w++) warpBase += warpTotals[w];
    int run = warpBase + inc - sum;
    for (int k = 0; k < 4; k++) {
        if (base + k < n) out[base + k] = run;
        run += v[k];
    }
    if (threadIdx.x == 255) blockSums[blockIdx.x] = run;
}

extern "C" __global__ void scan_add(int* out, long long n, const int* blockOffsets) {
    long long base = (long long)blockIdx.x * 1024;
    int add = blockOffsets[blockIdx.x];
    for (int k = threadIdx.x; k < 1024; k += blockDim.x) {
        if (base + k < n) out[base + k] += add;
    }
}

// ---- stable LSD radix sort, 8 bits per pass, tiles of 256 keys ----------------------------------

// hist[digit * tiles + tile] = number of keys of the tile with that digit.
extern "C" __global__ void radix_histogram(const unsigned int* keys, long long n, int shift, int* hist, int tiles) {
    __shared__ int h[256];
    h[threadIdx.x] = 0;
    __syncthreads();
    long long i = (long long)blockIdx.x * 256 + threadIdx.x;
    if (i < n) atomicAdd(&h[(keys[i] >> shift) & 255], 1);
    __syncthreads();
    hist[(long long)threadIdx.x * tiles + blockIdx.x] = h[threadIdx.x];
}

// Scatters each key (and its value) to offsets[digit * tiles + tile] + its stable rank in the tile
// among keys of the same digit. Ranks come from warp match masks and per-warp digit counts.
extern "C" __global__ void radix_scatter(const unsigned int* keysIn, const int* valsIn, long long n, int shift,
                                         const int* offsets, int tiles, unsigned int* keysOut, int* valsOut) {
    __shared__ int warpCount[8][256];
    for (int k = threadIdx.x; k < 8 * 256; k += 256) (&warpCount[0][0])[k] = 0;
    __syncthreads();
    long long i = (long long)blockIdx.x * 256 + threadIdx.x;
    bool active = i < n;
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    unsigned int key = active ? keysIn[i] : 0u;
    int digit = (key >> shift) & 255;
    unsigned int activeMask = __ballot_sync(KD_FULL_MASK, active);
    unsigned int peers = 0;
    int rank = 0;
    if (active) {
        peers = __match_any_sync(activeMask, digit);
        rank = __popc(peers & ((1u << lane) - 1u));
        if (rank == 0) warpCount[warp][digit] = __popc(peers);
    }
    __syncthreads();
    // Thread d turns the counts of digit d into exclusive prefixes over the warps.
    {
        int d = threadIdx.x, run = 0;
        for (int w = 0; w < 8; w++) {
            int c = warpCount[w][d];
            warpCount[w][d] = run;
            run += c;
        }
    }
    __syncthreads();
    if (active) {
        long long pos = (long long)offsets[(long long)digit * tiles + blockIdx.x] + warpCount[warp][digit] + rank;
        keysOut[pos] = key;
        valsOut[pos] = valsIn[i];
    }
}

// ---- runs of equal ids --------------------------------------------------------------------------

// flags[i] = 1 where a run of equal (non-sentinel) keys starts.
extern "C" __global__ void run_heads(const unsigned int* keys, long long n, unsigned int sentinel, int* flags) {
    KD_FOR(i, n) {
        unsigned int k = keys[i];
        flags[i] = k != sentinel && (i == 0 || keys[i - 1] != k) ? 1 : 0;
    }
}

// uniqueIds[s] = key of run s, runStart[s] = its first sorted position.
extern "C" __global__ void run_compact(const unsigned int* keys, const int* flags, const int* slots, long long n, int* uniqueIds,
                                       int* runStart) {
    KD_FOR(i, n) {
        if (flags[i]) {
            int s = slots[i];
            uniqueIds[s] = (int)keys[i];
            runStart[s] = (int)i;
        }
    }
}

// values[s, :] = sum over the run s, in position order, of scale[p] * grad[bagOf[p], :].
extern "C" __global__ void segment_reduce(const int* sortedPos, const int* runStart, int runs, int validEnd, const int* bagOf,
                                          const float* scale, const float* grad, int dim, float* values) {
    for (int s = blockIdx.x; s < runs; s += gridDim.x) {
        int from = runStart[s];
        int to = s + 1 < runs ? runStart[s + 1] : validEnd;
        for (int j = threadIdx.x; j < dim; j += blockDim.x) {
            float acc = 0.f;
            for (int q = from; q < to; q++) {
                int p = sortedPos[q];
                acc += scale[p] * grad[(long long)bagOf[p] * dim + j];
            }
            values[(long long)s * dim + j] = acc;
        }
    }
}

// gradWeights[i] = scale[i] * <grad[bagOf[i]], table[ids[i]]>, one warp per position.
extern "C" __global__ void bag_weight_grad(const float* table, const int* ids, long long n, const int* bagOf, const float* scale,
                                           const float* grad, int dim, float* gradWeights) {
    long long warpId = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    long long warps = ((long long)gridDim.x * blockDim.x) >> 5;
    int lane = threadIdx.x & 31;
    for (long long i = warpId; i < n; i += warps) {
        float sc = scale[i];
        float s = 0.f;
        if (sc != 0.f) {
            const float* g = grad + (long long)bagOf[i] * dim;
            const float* t = table + (long long)ids[i] * dim;
            for (int j = lane; j < dim; j += 32) s += g[j] * t[j];
        }
        s = kd_warp_sum(s);
        if (lane == 0) gradWeights[i] = sc == 0.f ? 0.f : sc * s;
    }
}

// Rescales each listed (distinct) row whose p-norm exceeds maxNorm down to maxNorm; one block per row.
extern "C" __global__ void renorm_rows(float* table, const int* ids, int n, int dim, float maxNorm, float normType) {
    for (int r = blockIdx.x; r < n; r += gridDim.x) {
        float* row = table + (long long)ids[r] * dim;
        double s = 0.0;
        for (int j = threadIdx.x; j < dim; j += blockDim.x) {
            double x = fabs((double)row[j]);
            s += normType == 2.f ? x * x : (normType == 1.f ? x : pow(x, (double)normType));
        }
        s = kd_block_sum_d(s);
        double norm = normType == 2.f ? sqrt(s) : (normType == 1.f ? s : pow(s, 1.0 / normType));
        if (norm > maxNorm) {
            float f = (float)(maxNorm / (norm + 1e-7));
            for (int j = threadIdx.x; j < dim; j += blockDim.x) row[j] *= f;
        }
        __syncthreads();
    }
}
