#!/usr/bin/env python3
"""PyTorch side of the convolution rows of the Kindling GPU benchmark (ConvBenchmark.java has the same
sizes): F.conv1d and F.conv2d forward+backward and forward alone, float32 with TF32 off, against cuDNN
with its default heuristics and autotuned (torch.backends.cudnn.benchmark = True).

Each cuDNN mode runs in its own process: PyTorch caches the algorithm it picked per shape, and a cached
autotuned choice would otherwise leak into the 'default' rows (or the reverse). run(rows) starts both.
Rows: torch_<base>_default and torch_<base>_bench, where the Kindling row is <base>_<algorithm>.
Sweep: KINDLING_BENCH_CONV1D_K (default "3,5,7") and KINDLING_BENCH_DCONV (shape names, default all)."""
import math
import os
import subprocess
import sys

import torch
import torch.nn.functional as F

from gpu_bench_torch import median_ms, result

MODE_ENV = "KINDLING_TORCH_CUDNN_MODE"

# name: (batch, in planes, out planes, height, width, kernel, stride, padding), as ConvBenchmark.SPATIAL
SPATIAL = {
    "32x32_k5": (128, 64, 64, 32, 32, 5, 1, 0),
    "64x64_k3": (128, 64, 64, 64, 64, 3, 1, 0),
    "64x64_k7": (128, 64, 64, 64, 64, 7, 1, 0),
    "alexnet1": (128, 3, 64, 224, 224, 11, 4, 2),
    "alexnet2": (128, 64, 192, 27, 27, 5, 1, 2),
    "alexnet3": (128, 192, 384, 13, 13, 3, 1, 1),
}


def conv1d_kernels():
    return [int(v) for v in os.environ.get("KINDLING_BENCH_CONV1D_K", "3,5,7").split(",") if v.strip()]


def spatial_shapes():
    only = [v for v in os.environ.get("KINDLING_BENCH_DCONV", "").split(",") if v.strip()]
    return [(n, s) for n, s in SPATIAL.items() if not only or n in only]


def fwd_bwd_rows(base, conv, x, w, b, go, mode, note):
    def step():
        x.grad = w.grad = b.grad = None
        conv(x, w, b).backward(go)

    def forward():
        with torch.no_grad():
            conv(x, w, b)

    result(f"torch_{base}_fwd_bwd_{mode}", median_ms(step), note)
    result(f"torch_{base}_fwd_{mode}", median_ms(forward), "forward only, " + note)


def conv1d(dev, mode):
    batch, cin, cout, frames = 128, 256, 256, 256
    for k in conv1d_kernels():
        # PyTorch's layout is [B, C, T]; Kindling's is [B, T, C]: same arithmetic, each in its native layout.
        x = torch.randn(batch, cin, frames, device=dev, requires_grad=True)
        w = (torch.randn(cout, cin, k, device=dev) / math.sqrt(cin * k)).requires_grad_()
        b = (0.1 * torch.randn(cout, device=dev)).requires_grad_()
        go = torch.randn(batch, cout, frames - k + 1, device=dev)
        fwd_bwd_rows(f"conv1d_k{k}", F.conv1d, x, w, b, go, mode, f"F.conv1d [128, 256, 256] k {k}, cuDNN {mode}")


def dconv(dev, mode):
    for name, (batch, cin, cout, h, w_, k, stride, pad) in spatial_shapes():
        x = torch.randn(batch, cin, h, w_, device=dev, requires_grad=True)
        w = (torch.randn(cout, cin, k, k, device=dev) / math.sqrt(cin * k * k)).requires_grad_()
        b = (0.1 * torch.randn(cout, device=dev)).requires_grad_()
        oh, ow = (h + 2 * pad - k) // stride + 1, (w_ + 2 * pad - k) // stride + 1
        go = torch.randn(batch, cout, oh, ow, device=dev)

        def conv(xx, ww, bb):
            return F.conv2d(xx, ww, bb, stride=stride, padding=pad)

        fwd_bwd_rows(f"dconv_{name}", conv, x, w, b, go, mode, f"F.conv2d {name}, cuDNN {mode}")
        del x, w, b, go
        torch.cuda.empty_cache()


def wanted(only, name):
    return not only or name in only


def run(only):
    """Runs the conv rows in one child process per cuDNN mode (its output joins ours)."""
    if not (wanted(only, "conv1d") or wanted(only, "dconv")):
        return
    sys.stdout.flush()
    for mode in ("default", "bench"):
        env = dict(os.environ, **{MODE_ENV: mode})
        done = subprocess.run([sys.executable, os.path.abspath(__file__), only], env=env, check=False)
        if done.returncode != 0:
            print(f"conv rows in cuDNN mode {mode} failed with exit code {done.returncode}", flush=True)


def main():
    mode = os.environ.get(MODE_ENV)
    if mode not in ("default", "bench"):
        sys.exit(f"run through gpu_bench_torch.py (or set {MODE_ENV}=default|bench)")
    only = sys.argv[1] if len(sys.argv) > 1 else ""
    torch.backends.cudnn.benchmark = mode == "bench"
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    dev = torch.device("cuda:0")
    if wanted(only, "conv1d"):
        conv1d(dev, mode)
    if wanted(only, "dconv"):
        dconv(dev, mode)


if __name__ == "__main__":
    main()
