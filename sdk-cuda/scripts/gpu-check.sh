#!/usr/bin/env bash
# The one-shot GPU check of the CUDA backend.
#
#   sdk-cuda/scripts/gpu-check.sh prepare   (here, with a JDK 25 and Maven): builds the jars and puts a
#       jlink'd JRE 25, the jars, the test runner and a thin jar of the GPU benchmarks (benchmarks/,
#       dev.kindling.bench.gpu) into the git-ignored .gpu-carry/ (< 64 MiB), then runs the carried runner
#       and benchmark on this machine as a smoke test (GPU tests skip without a GPU).
#   sdk-cuda/scripts/gpu-check.sh run [rows]  (on the GPU machine: no Java, no build tools, no network;
#       carry .gpu-carry): runs every CUDA test, the Kindling benchmark and the PyTorch benchmark, and
#       prints the comparison table last. [rows] limits the benchmark to e.g. "embbag,hsm"; "fftconv" runs
#       the full FFT convolution sweep (every row runs a quick one); KINDLING_CONV_SWEEP=quick|full,
#       KINDLING_CONV_PAD=valid|same and KINDLING_CONV_ITERS size it (both sides read them).
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
carry="$root/.gpu-carry"
mode="${1:-run}"
jvm_flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m)
bench_main=dev.kindling.bench.gpu.GpuBenchmark

prepare() {
  set -e
  : "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
  export JAVA_HOME
  # One reactor run: on a fresh machine sdk-core is not installed, so the classpath is only resolvable in
  # the same run that packages it. A relative output file lands in each module's folder; sdk-cuda's is read.
  (cd "$root" && ./mvnw -q -pl sdk-cuda,benchmarks -am package dependency:build-classpath -DskipTests \
      -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt)
  rm -rf "$carry/lib" && mkdir -p "$carry/lib"
  cp "$root"/sdk-core/target/kindling-sdk-core-*-SNAPSHOT.jar "$carry/lib/" 2>/dev/null || true
  rm -f "$carry"/lib/*-tests.jar
  cp "$root"/sdk-cuda/target/kindling-sdk-cuda-*-SNAPSHOT.jar "$carry/lib/"
  cp "$root"/sdk-cuda/target/kindling-sdk-cuda-*-SNAPSHOT-tests.jar "$carry/lib/"
  tr ':' '\n' < "$root/sdk-cuda/target/test-classpath.txt" | while read -r jar; do
    case "$jar" in
      *jcuda-natives*)
        # Only the driver binding is needed (libcuda.so.1 is the driver's): drop the 24 MB PTX compiler.
        tmp="$(mktemp -d)"
        (cd "$tmp" && unzip -q "$jar" 'lib/libJCudaDriver-*' 'META-INF/MANIFEST.MF' && zip -q -r "$carry/lib/$(basename "$jar")" .)
        rm -rf "$tmp" ;;
      *.jar) case "$jar" in *kindling-sdk-core*) ;; *) cp "$jar" "$carry/lib/" ;; esac ;;
    esac
  done
  # Only the GPU benchmark classes: they need sdk-core, sdk-cuda and JCuda, all carried already (the shaded
  # benchmarks.jar would add 14 MB of JMH benchmarks and their data).
  "$JAVA_HOME/bin/jar" --create --file "$carry/lib/kindling-gpu-bench.jar" -C "$root/benchmarks/target/classes" dev/kindling/bench/gpu
  # jdk.zipfs: JUnit scans the test jar as a file system.
  modules=java.base,java.logging,jdk.unsupported,jdk.incubator.vector,jdk.zipfs
  if [ "$(cat "$carry/jre/.modules" 2>/dev/null)" != "$modules" ]; then
    rm -rf "$carry/jre"
    "$JAVA_HOME/bin/jlink" --add-modules "$modules" \
      --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$carry/jre"
    echo "$modules" > "$carry/jre/.modules"
  fi
  echo "carried folder: $(du -sm "$carry" | cut -f1) MiB (limit 64)"; du -sh "$carry"/jre "$carry"/lib
  [ "$(du -sm "$carry" | cut -f1)" -lt 64 ] || { echo "carried folder is too large" >&2; exit 1; }
  echo "--- smoke test of the carried runner on this machine ---"
  "$carry/jre/bin/java" "${jvm_flags[@]}" -cp "$carry/lib/*" dev.kindling.cuda.GpuTestRunner
  echo "--- smoke test of the carried benchmark (CUDA disabled: it must load and exit 2) ---"
  rc=0
  "$carry/jre/bin/java" "${jvm_flags[@]}" -Dkindling.cuda.disabled=true -cp "$carry/lib/*" "$bench_main" || rc=$?
  [ "$rc" -eq 2 ] || { echo "the carried benchmark exited $rc, expected 2 (CUDA unavailable)" >&2; exit 1; }
}

table() {
  awk -F'|' '
    /^RESULT\|/ { if (!($2 in ms)) order[++n] = $2; ms[$2] = $3; note[$2] = $4 }
    function cell(k) { return (k in ms) ? sprintf("%9.3f", ms[k]) : sprintf("%9s", "-") }
    function ratio(t, k) { return (t in ms) && ms[k] > 0 ? sprintf("%7.2fx", ms[t] / ms[k]) : sprintf("%8s", "-") }
    function row(label, k, t) {
      if (!(k in ms)) { printf "%-34s %12s\n", label, "(missing)"; return }
      if (t in ms) printf "%-34s %10.3f ms %10.3f ms %8.2fx  %s\n", label, ms[k], ms[t], ms[t] / ms[k], t
      else printf "%-34s %10.3f ms %13s %9s  %s\n", label, ms[k], "-", "-", note[k]
    }
    END {
      print ""
      print "==== Kindling CUDA vs PyTorch (CUDA-event medians; ratio = PyTorch / Kindling, > 1: Kindling faster) ===="
      printf "%-34s %13s %13s %9s  %s\n", "row", "Kindling", "PyTorch", "ratio", "PyTorch row"
      row("embedding bag fwd+bwd (sparse)", "embbag_fwd_bwd", "torch_embbag_fwd_bwd_sparse")
      row("embedding bag fwd+bwd (vs dense)", "embbag_fwd_bwd", "torch_embbag_fwd_bwd_dense")
      row("embedding bag fwd", "embbag_fwd", "torch_embbag_fwd")
      row("HSM 1M fwd+bwd vs adaptive", "hsm_fwd_bwd", "torch_adaptive_fwd_bwd")
      row("HSM 1M fwd+bwd vs full softmax", "hsm_fwd_bwd", "torch_full_softmax_fwd_bwd")
      row("HSM 1M trainStep vs adaptive", "hsm_trainstep", "torch_adaptive_fwd_bwd")
      row("feature LP fwd+bwd", "featlp_fwd_bwd", "torch_featlp_fwd_bwd")
      row("feature LP fwd+bwd vs lp_pool1d", "featlp_fwd_bwd", "torch_lp_pool1d_fwd_bwd")
      row("1-bit quant+dequant vs torch copy", "onebit_quant_dequant", "torch_device_copy_64MiB")
      row("1-bit via QuantizeOps (host bits)", "onebit_ops_quant_dequant", "torch_device_copy_64MiB")
      row("device copy 64 MiB (Kindling)", "device_copy_64MiB", "torch_device_copy_64MiB")
      if ("onebit_quant_dequant" in ms) print "1-bit: " note["onebit_quant_dequant"] "; copy: " note["device_copy_64MiB"]
      # FFT convolution rows (FftConvGpuBenchmark / fft_conv in gpu_bench_torch.py), in the order they ran.
      header = 0
      for (i = 1; i <= n; i++) {
        k = order[i]
        if (k !~ /^conv_fft_/) continue
        c = k; sub(/^conv_fft_/, "", c); base = c; sub(/^(transposed|3m)_/, "", base)
        if (!header) {
          print ""
          print "==== FFT conv fwd+bwd, float32, TF32 off (ms; ratio = cuDNN / Kindling, > 1: Kindling faster; goal >= 1.5x vs autotuned for k >= 7 on 64/128) ===="
          printf "%-26s %9s %9s %8s %9s %8s %9s %9s %8s\n", "case", "Kindling", "cuDNN-at", "ratio", "cuDNN-df", "ratio", "fwd", "fwd-at", "ratio"
          header = 1
        }
        f = "conv_fftfwd_" c; fa = "torch_convfwd_auto_" base
        printf "%-26s %s %s %s %s %s %s %s %s\n", c, cell(k), cell("torch_conv_auto_" base), ratio("torch_conv_auto_" base, k),
          cell("torch_conv_default_" base), ratio("torch_conv_default_" base, k), cell(f), cell(fa), ratio(fa, f)
      }
    }' "$@"
}

# Convolution rows: a Kindling row <base>_<algorithm> (e.g. conv1d_k3_fwd_bwd_unfold) is paired with
# PyTorch's torch_<base>_bench (cuDNN autotuned) and torch_<base>_default (cuDNN heuristics).
conv_table() {
  awk -F'|' '
    /^RESULT\|/ {
      if (!($2 in ms)) order[n++] = $2
      ms[$2] = $3
    }
    function ratio(t, k) { return (t in ms) ? sprintf("%9.3f ms %6.2fx", ms[t], ms[t] / ms[k]) : sprintf("%19s", "-") }
    END {
      rows = 0
      for (i = 0; i < n; i++) {
        k = order[i]
        if (k ~ /^torch_/) continue
        base = k; sub(/_[a-z0-9]+$/, "", base)
        if (!(("torch_" base "_bench") in ms) && !(("torch_" base "_default") in ms)) continue
        if (rows++ == 0) {
          print ""
          print "==== Convolutions: Kindling vs PyTorch cuDNN, float32, TF32 off (ratio = PyTorch / Kindling, > 1: Kindling faster) ===="
          printf "%-34s %12s %19s %19s\n", "row", "Kindling", "cuDNN autotuned", "cuDNN default"
        }
        printf "%-34s %9.3f ms %s %s\n", k, ms[k], ratio("torch_" base "_bench", k), ratio("torch_" base "_default", k)
      }
    }' "$@"
}

run() {
  rows="${1:-}"
  out="${OUT:-$root/sdk-cuda/target/gpu-check}"
  mkdir -p "$out"
  java="$carry/jre/bin/java"
  [ -x "$java" ] || { echo "no carried JRE at $java: run 'gpu-check.sh prepare' first and carry .gpu-carry" >&2; exit 2; }
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
  export LD_LIBRARY_PATH="/usr/local/cuda/targets/x86_64-linux/lib:/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}"
  echo "=== CUDA tests ==="
  # A test that hangs in a native call must not eat the lease: each test gets its own thread and a limit.
  timeout "${KINDLING_GPU_TEST_S:-150}" "$java" "${jvm_flags[@]}" -Dkindling.cuda.sync-launches=true \
    -Djunit.jupiter.execution.timeout.default=45s -Djunit.jupiter.execution.timeout.thread.mode.default=SEPARATE_THREAD \
    -cp "$carry/lib/*" \
    dev.kindling.cuda.GpuTestRunner --require-gpu 2>&1 | tee "$out/tests.log" | grep -v '^\s*$' | tail -60
  echo "tests exit: ${PIPESTATUS[0]}"
  echo "=== Kindling benchmark ==="
  timeout "${KINDLING_GPU_BENCH_S:-120}" "$java" "${jvm_flags[@]}" -Xmx40g -cp "$carry/lib/*" "$bench_main" "$rows" 2>&1 | tee "$out/kindling.log"
  echo "=== PyTorch benchmark ==="
  timeout "${KINDLING_TORCH_BENCH_S:-120}" python3 "$root/sdk-cuda/scripts/gpu_bench_torch.py" "$rows" 2>&1 | tee "$out/torch.log"
  table "$out/kindling.log" "$out/torch.log" | tee "$out/table.txt"
  conv_table "$out/kindling.log" "$out/torch.log" | tee -a "$out/table.txt"
}

case "$mode" in
  prepare) prepare ;;
  run) shift || true; run "${1:-}" ;;
  table) shift; table "$@"; conv_table "$@" ;;
  *) echo "usage: $0 prepare | run [rows] | table kindling.log torch.log" >&2; exit 2 ;;
esac
