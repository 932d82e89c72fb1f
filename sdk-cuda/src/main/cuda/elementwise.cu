// Activations, row-wise log-softmax and the NLL loss, forward and backward.
#include "common.cuh"

extern "C" __global__ void relu_fwd(const float* x, float* y, long long n) {
    KD_FOR(i, n) { float v = x[i]; y[i] = v > 0.f ? v : 0.f; }
}

extern "C" __global__ void relu_bwd(const float* x, const float* go, float* gi, long long n) {
    KD_FOR(i, n) gi[i] = x[i] > 0.f ? go[i] : 0.f;
}

extern "C" __global__ void tanh_fwd(const float* x, float* y, long long n) {
    KD_FOR(i, n) y[i] = tanhf(x[i]);
}

extern "C" __global__ void tanh_bwd(const float* y, const float* go, float* gi, long long n) {
    KD_FOR(i, n) { float v = y[i]; gi[i] = go[i] * (1.f - v * v); }
}

// One block per row (grid-stride over rows): max, then the sum of exponentials in double.
extern "C" __global__ void log_softmax_fwd(const float* x, float* y, long long rows, int cols) {
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + r * cols;
        float* yr = y + r * cols;
        float m = -INFINITY;
        for (int j = threadIdx.x; j < cols; j += blockDim.x) m = fmaxf(m, xr[j]);
        m = kd_block_max(m);
        double s = 0.0;
        for (int j = threadIdx.x; j < cols; j += blockDim.x) s += exp((double)(xr[j] - m));
        s = kd_block_sum_d(s);
        float logz = (float)((double)m + log(s));
        for (int j = threadIdx.x; j < cols; j += blockDim.x) yr[j] = xr[j] - logz;
        __syncthreads();
    }
}

extern "C" __global__ void log_softmax_bwd(const float* y, const float* go, float* gi, long long rows, int cols) {
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* yr = y + r * cols;
        const float* gr = go + r * cols;
        float* ir = gi + r * cols;
        double s = 0.0;
        for (int j = threadIdx.x; j < cols; j += blockDim.x) s += gr[j];
        s = kd_block_sum_d(s);
        for (int j = threadIdx.x; j < cols; j += blockDim.x) ir[j] = (float)(gr[j] - exp((double)yr[j]) * s);
        __syncthreads();
    }
}

// Launched as a single block: out[0] = -sum w[t_i] * lp[i, t_i], out[1] = sum w[t_i], in double.
extern "C" __global__ void class_nll_fwd(const float* lp, const int* targets, const float* weights, long long rows, int cols,
                                         double* out) {
    double loss = 0.0, total = 0.0;
    for (long long i = threadIdx.x; i < rows; i += blockDim.x) {
        int t = targets[i];
        double w = weights ? (double)weights[t] : 1.0;
        loss -= w * (double)lp[i * cols + t];
        total += w;
    }
    loss = kd_block_sum_d(loss);
    total = kd_block_sum_d(total);
    if (threadIdx.x == 0) { out[0] = loss; out[1] = total; }
}

// gi has been zeroed; sets gi[i, t_i] = -scale * w[t_i].
extern "C" __global__ void class_nll_bwd(float* gi, const int* targets, const float* weights, long long rows, int cols, float scale) {
    KD_FOR(i, rows) {
        int t = targets[i];
        gi[i * cols + t] = -scale * (weights ? weights[t] : 1.f);
    }
}
