// SGD (weight decay, momentum, Nesterov) and Adagrad, dense and on the rows of a row-sparse gradient.
#include "common.cuh"

__device__ __forceinline__ void sgd_one(float* p, const float* g, float* m, long long i, long long gi, long long mi, bool first,
                                        float lr, float momentum, float dampening, float wd, int nesterov) {
    float w = p[i];
    float d = g[gi] + wd * w;
    if (m) {
        float buf = first ? d : momentum * m[mi] + (1.f - dampening) * d;
        m[mi] = buf;
        d = nesterov ? d + momentum * buf : buf;
    }
    p[i] = w - lr * d;
}

extern "C" __global__ void sgd_dense(float* p, const float* g, float* m, long long n, int first, float lr, float momentum,
                                     float dampening, float wd, int nesterov) {
    KD_FOR(i, n) sgd_one(p, g, m, i, i, i, first != 0, lr, momentum, dampening, wd, nesterov);
}

// One block per gradient row; a row's first step is when its momentum row is all zero.
extern "C" __global__ void sgd_rows(float* p, const int* rows, const float* g, float* m, int nRows, int dim, float lr,
                                    float momentum, float dampening, float wd, int nesterov) {
    for (int r = blockIdx.x; r < nRows; r += gridDim.x) {
        long long base = (long long)rows[r] * dim;
        int nonZero = 0;
        if (m) {
            for (int j = threadIdx.x; j < dim; j += blockDim.x) nonZero |= m[base + j] != 0.f;
        }
        bool first = m && !__syncthreads_or(nonZero);
        for (int j = threadIdx.x; j < dim; j += blockDim.x) {
            sgd_one(p, g, m, base + j, (long long)r * dim + j, base + j, first, lr, momentum, dampening, wd, nesterov);
        }
        __syncthreads();
    }
}

__device__ __forceinline__ void adagrad_one(float* p, const float* g, float* s, long long i, long long gi, float lr, float eps,
                                            float wd) {
    float w = p[i];
    float d = g[gi] + wd * w;
    float acc = s[i] + d * d;
    s[i] = acc;
    p[i] = w - lr * d / (sqrtf(acc) + eps);
}

extern "C" __global__ void adagrad_dense(float* p, const float* g, float* s, long long n, float lr, float eps, float wd) {
    KD_FOR(i, n) adagrad_one(p, g, s, i, i, lr, eps, wd);
}

extern "C" __global__ void adagrad_rows(float* p, const int* rows, const float* g, float* s, int nRows, int dim, float lr,
                                        float eps, float wd) {
    KD_FOR(k, (long long)nRows * dim) {
        long long r = k / dim;
        int j = (int)(k - r * dim);
        adagrad_one(p, g, s, (long long)rows[r] * dim + j, k, lr, eps, wd);
    }
}
