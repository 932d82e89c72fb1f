// Temporal max / k-max pooling, feature LP pooling and cross-map normalization. Backward kernels run
// one thread per input element and gather from the outputs that read it (no atomics), in the same
// order as the CPU reference, so overlapping windows give reproducible sums.
#include "common.cuh"

__device__ __forceinline__ bool kd_takes_max(float v, float m) {
    return v > m || (isnan(v) && !isnan(m));
}

extern "C" __global__ void temporal_max_fwd(const float* x, float* y, int B, int T, int F, int To, int kW, int dW) {
    KD_FOR(k, (long long)B * To * F) {
        int c = (int)(k % F);
        long long bp = k / F;
        int p = (int)(bp % To), b = (int)(bp / To);
        const float* first = x + ((long long)b * T + (long long)p * dW) * F + c;
        float m = first[0];
        for (int j = 1; j < kW; j++) {
            float v = first[(long long)j * F];
            if (kd_takes_max(v, m)) m = v;
        }
        y[k] = m;
    }
}

extern "C" __global__ void temporal_max_bwd(const float* x, const float* go, float* gi, int B, int T, int F, int To, int kW,
                                            int dW) {
    KD_FOR(k, (long long)B * T * F) {
        int c = (int)(k % F);
        long long bt = k / F;
        int t = (int)(bt % T), b = (int)(bt / T);
        int pLo = t - kW + 1 <= 0 ? 0 : (t - kW + 1 + dW - 1) / dW;
        int pHi = min(To - 1, t / dW);
        float acc = 0.f;
        for (int p = pLo; p <= pHi; p++) {
            const float* first = x + ((long long)b * T + (long long)p * dW) * F + c;
            float m = first[0];
            int arg = 0;
            for (int j = 1; j < kW; j++) {
                float v = first[(long long)j * F];
                if (kd_takes_max(v, m)) { m = v; arg = j; }
            }
            if (p * dW + arg == t) acc += go[((long long)b * To + p) * F + c];
        }
        gi[k] = acc;
    }
}

// Rank of element i of a column in Float.compare order, ties broken by earlier time first.
__device__ __forceinline__ int kd_kmax_rank(const float* col, int T, int F, int i, int key) {
    int rank = 0;
    for (int j = 0; j < T; j++) {
        int kj = kd_float_order(col[(long long)j * F]);
        rank += kj > key || (kj == key && j < i);
    }
    return rank;
}

// One thread per (batch, feature) column: keeps the k largest values in time order.
extern "C" __global__ void kmax_fwd(const float* x, float* y, int B, int T, int F, int k) {
    KD_FOR(col, (long long)B * F) {
        int c = (int)(col % F), b = (int)(col / F);
        const float* xc = x + (long long)b * T * F + c;
        int n = 0;
        for (int i = 0; i < T && n < k; i++) {
            float v = xc[(long long)i * F];
            if (kd_kmax_rank(xc, T, F, i, kd_float_order(v)) < k) {
                y[((long long)b * k + n) * F + c] = v;
                n++;
            }
        }
    }
}

extern "C" __global__ void kmax_bwd(const float* x, const float* go, float* gi, int B, int T, int F, int k) {
    KD_FOR(col, (long long)B * F) {
        int c = (int)(col % F), b = (int)(col / F);
        const float* xc = x + (long long)b * T * F + c;
        int n = 0;
        for (int i = 0; i < T; i++) {
            long long at = ((long long)b * T + i) * F + c;
            float g = 0.f;
            if (n < k && kd_kmax_rank(xc, T, F, i, kd_float_order(xc[(long long)i * F])) < k) {
                g = go[((long long)b * k + n) * F + c];
                n++;
            }
            gi[at] = g;
        }
    }
}

// y = (sum over the window of |x|^p)^(1/p), computed as m * (sum (|x|/m)^p)^(1/p) with m the window's
// largest |x| so that large p stays finite; p = +Inf gives m.
extern "C" __global__ void feature_lp_fwd(const float* x, float* y, int B, int Fin, int R, int Fout, int width, int stride,
                                          float power) {
    bool isMax = isinf(power);
    KD_FOR(k, (long long)B * Fout * R) {
        int q = (int)(k % R);
        long long bo = k / R;
        int o = (int)(bo % Fout), b = (int)(bo / Fout);
        const float* first = x + ((long long)b * Fin + (long long)o * stride) * R + q;
        float m = 0.f;
        for (int j = 0; j < width; j++) m = fmaxf(m, fabsf(first[(long long)j * R]));
        float v;
        if (isMax || m == 0.f) {
            v = m;
        } else if (power == 1.f) {
            double s = 0.0;
            for (int j = 0; j < width; j++) s += fabsf(first[(long long)j * R]);
            v = (float)s;
        } else if (power == 2.f) {
            double s = 0.0;
            for (int j = 0; j < width; j++) { double a = first[(long long)j * R]; s += a * a; }
            v = (float)sqrt(s);
        } else {
            double s = 0.0;
            for (int j = 0; j < width; j++) s += pow((double)fabsf(first[(long long)j * R]) / m, (double)power);
            v = (float)(m * pow(s, 1.0 / power));
        }
        y[k] = v;
    }
}

extern "C" __global__ void feature_lp_bwd(const float* x, const float* y, const float* go, float* gi, int B, int Fin, int R,
                                          int Fout, int width, int stride, float power) {
    bool isMax = isinf(power);
    KD_FOR(k, (long long)B * Fin * R) {
        int q = (int)(k % R);
        long long bf = k / R;
        int f = (int)(bf % Fin), b = (int)(bf / Fin);
        float xv = x[k];
        int oLo = f - width + 1 <= 0 ? 0 : (f - width + 1 + stride - 1) / stride;
        int oHi = min(Fout - 1, f / stride);
        float acc = 0.f;
        for (int o = oLo; o <= oHi; o++) {
            long long out = ((long long)b * Fout + o) * R + q;
            float yv = y[out], gv = go[out];
            if (yv == 0.f || gv == 0.f) continue;
            int j = f - o * stride;
            if (isMax) {
                const float* first = x + ((long long)b * Fin + (long long)o * stride) * R + q;
                int arg = 0;
                float m = -1.f;
                for (int w = 0; w < width; w++) {
                    float a = fabsf(first[(long long)w * R]);
                    if (a > m) { m = a; arg = w; }
                }
                if (arg == j) acc += (xv > 0.f ? 1.f : (xv < 0.f ? -1.f : 0.f)) * gv;
                continue;
            }
            if (xv == 0.f) continue;
            double d;
            if (power == 1.f) d = 1.0;
            else if (power == 2.f) d = fabs((double)xv) / (double)yv;
            else d = pow(fabs((double)xv) / (double)yv, (double)power - 1.0);
            acc += (float)((xv > 0.f ? 1.0 : -1.0) * d * gv);
        }
        gi[k] = acc;
    }
}

// den = 1 + scale/size * sum of x^2 over the channel window [c - size/2, c - size/2 + size).
__device__ __forceinline__ float kd_cross_map_den(const float* xb, int C, int R, int c, int q, int size, float scale) {
    int before = size / 2;
    int lo = max(0, c - before), hi = min(C, c - before + size);
    double s = 0.0;
    for (int j = lo; j < hi; j++) { double v = xb[(long long)j * R + q]; s += v * v; }
    return (float)(1.0 + (double)(scale / size) * s);
}

extern "C" __global__ void cross_map_fwd(const float* x, float* y, int B, int C, int R, int size, float scale, float power) {
    KD_FOR(k, (long long)B * C * R) {
        int q = (int)(k % R);
        long long bc = k / R;
        int c = (int)(bc % C), b = (int)(bc / C);
        const float* xb = x + (long long)b * C * R;
        float den = kd_cross_map_den(xb, C, R, c, q, size, scale);
        y[k] = (float)(x[k] * pow((double)den, -(double)power));
    }
}

extern "C" __global__ void cross_map_bwd(const float* x, const float* go, float* gi, int B, int C, int R, int size, float scale,
                                         float power) {
    int before = size / 2, after = size - 1 - before;
    double kf = 2.0 * scale * power / size;
    KD_FOR(k, (long long)B * C * R) {
        int q = (int)(k % R);
        long long bc = k / R;
        int j = (int)(bc % C), b = (int)(bc / C);
        const float* xb = x + (long long)b * C * R;
        const float* gb = go + (long long)b * C * R;
        int lo = max(0, j - after), hi = min(C - 1, j + before);
        double s = 0.0;
        for (int c = lo; c <= hi; c++) {
            long long i = (long long)c * R + q;
            float den = kd_cross_map_den(xb, C, R, c, q, size, scale);
            s += gb[i] * (double)xb[i] * pow((double)den, -(double)power - 1.0);
        }
        float denj = kd_cross_map_den(xb, C, R, j, q, size, scale);
        double xj = x[k];
        gi[k] = (float)(go[k] * pow((double)denj, -(double)power) - kf * xj * s);
    }
}
