// Two-level hierarchical softmax. Scores come from cuBLAS GEMMs (cluster layer for the whole batch,
// class layer per target cluster on the examples grouped by cluster); these kernels add biases and
// do the fused log-sum-exp, log-probability and softmax-gradient work on the score rows.
#include "common.cuh"

// Modes of the two softmax kernels.
#define HSM_LOGP 0      // add bias, accumulate log p of the target into logp
#define HSM_GRAD 1      // as HSM_LOGP, then turn scores into g * (softmax - onehot(target))
#define HSM_LOGPROBS 2  // add bias, replace scores by their log-probabilities

// Cluster layer, one block per example: s = S[b, :] + bias. logp[b] = sign * (s[t] - lse) is written
// (not added); in HSM_GRAD mode g = (grad ? grad[b] : 1).
extern "C" __global__ void hsm_cluster_softmax(float* S, const float* bias, const int* targetCluster, const float* grad,
                                               float* logp, float sign, int B, int C, int mode) {
    for (int b = blockIdx.x; b < B; b += gridDim.x) {
        float* s = S + (long long)b * C;
        float m = -INFINITY;
        for (int j = threadIdx.x; j < C; j += blockDim.x) {
            float v = s[j] + bias[j];
            s[j] = v;
            m = fmaxf(m, v);
        }
        m = kd_block_max(m);
        double sum = 0.0;
        for (int j = threadIdx.x; j < C; j += blockDim.x) sum += exp((double)(s[j] - m));
        sum = kd_block_sum_d(sum);
        float lse = (float)((double)m + log(sum));
        if (mode == HSM_LOGPROBS) {
            for (int j = threadIdx.x; j < C; j += blockDim.x) s[j] -= lse;
        } else {
            int t = targetCluster[b];
            __syncthreads();
            if (threadIdx.x == 0 && logp) logp[b] = sign * (s[t] - lse);
            __syncthreads();
            if (mode == HSM_GRAD) {
                float g = grad ? grad[b] : 1.f;
                for (int j = threadIdx.x; j < C; j += blockDim.x) {
                    float p = expf(s[j] - lse);
                    s[j] = g * (j == t ? p - 1.f : p);
                }
            }
        }
        __syncthreads();
    }
}

// Class layer, one block per example in cluster-grouped order i: its score row is
// scores[rowStart[i] .. + rowLen[i]), biases bias[biasStart[i] + j]. logp[order[i]] += sign * (s[t] - lse).
extern "C" __global__ void hsm_member_softmax(float* scores, const long long* rowStart, const int* rowLen, const float* bias,
                                              const long long* biasStart, const int* target, const int* order,
                                              const float* grad, float* logp, float sign, int n, int mode) {
    for (int i = blockIdx.x; i < n; i += gridDim.x) {
        float* s = scores + rowStart[i];
        const float* bb = bias + biasStart[i];
        int len = rowLen[i];
        float m = -INFINITY;
        for (int j = threadIdx.x; j < len; j += blockDim.x) {
            float v = s[j] + bb[j];
            s[j] = v;
            m = fmaxf(m, v);
        }
        m = kd_block_max(m);
        double sum = 0.0;
        for (int j = threadIdx.x; j < len; j += blockDim.x) sum += exp((double)(s[j] - m));
        sum = kd_block_sum_d(sum);
        float lse = (float)((double)m + log(sum));
        if (mode == HSM_LOGPROBS) {
            for (int j = threadIdx.x; j < len; j += blockDim.x) s[j] -= lse;
        } else {
            int t = target[i];
            int b = order[i];
            __syncthreads();
            if (threadIdx.x == 0 && logp) logp[b] += sign * (s[t] - lse);
            __syncthreads();
            if (mode == HSM_GRAD) {
                float g = grad ? grad[b] : 1.f;
                for (int j = threadIdx.x; j < len; j += blockDim.x) {
                    float p = expf(s[j] - lse);
                    s[j] = g * (j == t ? p - 1.f : p);
                }
            }
        }
        __syncthreads();
    }
}

// The class ids of the listed clusters, packed: out[packedStart[q] + j] = members[memberStart[clusters[q]] + j].
extern "C" __global__ void hsm_pack_members(const int* members, const int* memberStart, const int* clusters,
                                            const long long* packedStart, int nClusters, long long total, int* out) {
    KD_FOR(r, total) {
        int lo = 0, hi = nClusters - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >> 1;
            if (packedStart[mid] <= r) lo = mid; else hi = mid - 1;
        }
        out[r] = members[memberStart[clusters[lo]] + (int)(r - packedStart[lo])];
    }
}

// Top-k of one score row (k <= 32 * 32): repeated block arg-max with removal, ties to the smaller index.
// Writes k (index, value) pairs, best first; `work` is a scratch copy of the row.
extern "C" __global__ void topk_row(const float* scores, int n, int k, float* work, int* outIdx, float* outVal) {
    __shared__ float bestV[32];
    __shared__ int bestI[32];
    for (int j = threadIdx.x; j < n; j += blockDim.x) work[j] = scores[j];
    __syncthreads();
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    for (int r = 0; r < k; r++) {
        float v = -INFINITY;
        int idx = 0x7fffffff;
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            float w = work[j];
            if (w > v || (w == v && j < idx)) { v = w; idx = j; }
        }
        for (int o = 16; o > 0; o >>= 1) {
            float ov = __shfl_xor_sync(KD_FULL_MASK, v, o);
            int oi = __shfl_xor_sync(KD_FULL_MASK, idx, o);
            if (ov > v || (ov == v && oi < idx)) { v = ov; idx = oi; }
        }
        if (lane == 0) { bestV[warp] = v; bestI[warp] = idx; }
        __syncthreads();
        if (warp == 0) {
            v = lane < warps ? bestV[lane] : -INFINITY;
            idx = lane < warps ? bestI[lane] : 0x7fffffff;
            for (int o = 16; o > 0; o >>= 1) {
                float ov = __shfl_xor_sync(KD_FULL_MASK, v, o);
                int oi = __shfl_xor_sync(KD_FULL_MASK, idx, o);
                if (ov > v || (ov == v && oi < idx)) { v = ov; idx = oi; }
            }
            if (lane == 0) {
                outIdx[r] = idx < n ? idx : -1;
                outVal[r] = v;
                if (idx < n) work[idx] = -INFINITY;
            }
        }
        __syncthreads();
    }
}
