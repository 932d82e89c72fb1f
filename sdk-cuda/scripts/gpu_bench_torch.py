#!/usr/bin/env python3
"""PyTorch side of the Kindling GPU benchmark (same sizes, same generated ids and targets as
GpuBenchmark.java). CUDA-event timing, warm-up, median of the measured iterations. Prints
RESULT|row|milliseconds|note lines for gpu-check.sh."""
import math
import os
import sys

import torch
import torch.nn.functional as F

WARMUP = 5
ITERS = 20
MASK = (1 << 64) - 1


class Lcg:
    """The 64-bit LCG of GpuBenchmark.Lcg: uniform doubles from the top 53 bits."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) & MASK
        return (self.state >> 11) * 2.0 ** -53

    def uniform(self, n):
        return min(n - 1, int(self.next() * n))

    def log_uniform(self, n):
        return min(n - 1, max(0, math.floor(math.exp(self.next() * math.log(n))) - 1))


def median_ms(fn, warmup=WARMUP, iters=ITERS):
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        start.record()
        fn()
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop))
    times.sort()
    return times[iters // 2] if iters % 2 else (times[iters // 2 - 1] + times[iters // 2]) / 2


def result(row, ms, note):
    print(f"RESULT|{row}|{ms:.4f}|{note}", flush=True)


def embedding_bag(dev):
    rows, dim, bags, per = 1_000_000, 128, 4096, 20
    g = Lcg(42)
    ids = torch.tensor([g.uniform(rows) for _ in range(bags * per)], dtype=torch.long, device=dev)
    offsets = torch.arange(0, bags * per, per, dtype=torch.long, device=dev)
    grad = torch.randn(bags, dim, device=dev)
    for sparse in (True, False):
        bag = torch.nn.EmbeddingBag(rows, dim, mode="mean", sparse=sparse).to(dev)

        def step():
            bag.weight.grad = None
            bag(ids, offsets).backward(grad)

        result("torch_embbag_fwd_bwd" + ("_sparse" if sparse else "_dense"), median_ms(step),
               "nn.EmbeddingBag mean, sparse=" + str(sparse))
    with torch.no_grad():
        result("torch_embbag_fwd", median_ms(lambda: bag(ids, offsets)), "forward only")


def hsm(dev):
    classes, dim, batch = 1_000_000, 128, 4096
    g = Lcg(7)
    targets = torch.tensor([g.log_uniform(classes) for _ in range(batch)], dtype=torch.long, device=dev)
    x = torch.randn(batch, dim, device=dev, requires_grad=True)
    asm = torch.nn.AdaptiveLogSoftmaxWithLoss(dim, classes, cutoffs=[2000, 20000, 200000], div_value=2.0).to(dev)

    def adaptive():
        x.grad = None
        asm.zero_grad(set_to_none=True)
        asm(x, targets).loss.backward()

    result("torch_adaptive_fwd_bwd", median_ms(adaptive), "AdaptiveLogSoftmaxWithLoss cutoffs 2000/20000/200000, div 2")
    del asm
    lin = torch.nn.Linear(dim, classes).to(dev)

    def full():
        x.grad = None
        lin.zero_grad(set_to_none=True)
        F.cross_entropy(lin(x), targets).backward()

    result("torch_full_softmax_fwd_bwd", median_ms(full), "Linear(128, 1M) + cross_entropy")


def feature_lp(dev):
    b, f, r, width, stride, p = 32, 256, 2048, 4, 2, 2.0
    x = torch.randn(b, f, r, device=dev, requires_grad=True)
    fo = (f - width) // stride + 1
    go = torch.randn(b, fo, r, device=dev)

    def step():
        x.grad = None
        y = x.abs().pow(p).unfold(1, width, stride).sum(-1).pow(1.0 / p)
        y.backward(go)

    result("torch_featlp_fwd_bwd", median_ms(step), "x.abs().pow(p).unfold(1,w,s).sum(-1).pow(1/p)")

    def lp_pool():
        x.grad = None
        # lp_pool1d pools the last dim: move features last.
        y = F.lp_pool1d(x.transpose(1, 2).reshape(b * r, 1, f).abs(), p, width, stride)
        y.backward(torch.ones_like(y))

    result("torch_lp_pool1d_fwd_bwd", median_ms(lp_pool), "F.lp_pool1d over features (transpose + reshape)")


def copy_bandwidth(dev):
    n = 4096 * 4096
    a, b = torch.randn(n, device=dev), torch.empty(n, device=dev)
    ms = median_ms(lambda: b.copy_(a))
    result("torch_device_copy_64MiB", ms, f"{n * 8 / ms / 1e6:.0f} GB/s (read + write)")


def conv_cases(sweep, same):
    """The cases of FftConvGpuBenchmark.cases: (name, batch, in, out, size, kernel, padding)."""
    full = sweep != "quick"
    cases = []
    for size in (32, 64, 128):
        for k in range(3, 14, 2):
            quick = (size == 64 and k in (3, 7, 13)) or (size == 128 and k in (7, 13))
            if full or quick:
                cases.append((f"{size}x{size}_k{k}", 128, 64, 64, size, k, k // 2 if same else 0))
    cases.append(("alexnet_conv2", 128, 96, 256, 27, 5, 2))
    cases.append(("alexnet_conv3", 128, 256, 384, 13, 3, 1))
    if full:
        cases.append(("alexnet_conv4", 128, 384, 384, 13, 3, 1))
        cases.append(("alexnet_conv5", 128, 384, 256, 13, 3, 1))
    return cases


def fft_conv(dev, explicitly_asked):
    """conv2d forward + backward (input, weight and bias gradients), float32 with TF32 off, timed with
    cuDNN autotuning (benchmark=True: it picks FFT algorithms where they win) and with its default
    heuristics. Same cases as FftConvGpuBenchmark.java."""
    sweep = os.environ.get("KINDLING_CONV_SWEEP", "full" if explicitly_asked else "quick")
    same = os.environ.get("KINDLING_CONV_PAD") == "same"
    iters = int(os.environ.get("KINDLING_CONV_ITERS", "7"))
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    print(f"conv sweep {sweep}, padding {'same' if same else 'valid'}, {iters} iterations, cudnn {torch.backends.cudnn.version()}",
          flush=True)
    for name, b, cin, cout, size, k, pad in conv_cases(sweep, same):
        conv = torch.nn.Conv2d(cin, cout, k, padding=pad).to(dev)
        x = torch.randn(b, cin, size, size, device=dev, requires_grad=True)
        o = size + 2 * pad - k + 1
        go = torch.randn(b, cout, o, o, device=dev)

        def step():
            x.grad = None
            conv.weight.grad = None
            conv.bias.grad = None
            conv(x).backward(go)

        for mode, bench in (("auto", True), ("default", False)):
            torch.backends.cudnn.benchmark = bench
            result(f"torch_conv_{mode}_{name}", median_ms(step, 2, iters),
                   f"B{b} {cin}->{cout} {size}x{size} k{k} pad {pad}, fwd+bwd, cudnn.benchmark={bench}")
        torch.backends.cudnn.benchmark = True
        with torch.no_grad():
            result(f"torch_convfwd_auto_{name}", median_ms(lambda: conv(x), 2, iters), "forward only, autotuned")
        del conv, x, go
        torch.cuda.empty_cache()
    torch.backends.cudnn.benchmark = False


def main():
    dev = torch.device("cuda:0")
    print("torch", torch.__version__, torch.cuda.get_device_name(0), flush=True)
    only = sys.argv[1] if len(sys.argv) > 1 else ""
    for name, fn in (("embbag", embedding_bag), ("hsm", hsm), ("lp", feature_lp), ("onebit", copy_bandwidth)):
        if not only or name in only:
            fn(dev)
            torch.cuda.empty_cache()
    import gpu_bench_torch_conv  # conv1d / direct conv2d rows, one child process per cuDNN mode
    gpu_bench_torch_conv.run(only)
    if not only or "fftconv" in only:
        fft_conv(dev, "fftconv" in only)


if __name__ == "__main__":
    main()
