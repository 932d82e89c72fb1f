#!/usr/bin/env bash
# Side-by-side: Kindling vs fastText 0.9.2 (Debian package `fasttext`) on a WordNet 3.1 hypernym corpus
# (text = a synset's words + gloss, label = its hypernym synsets; ~86k training examples, ~20k labels),
# same flags, same thread count. Prints wall time, P@1 and peak resident memory (RSS, via /usr/bin/time when
# present) of each.
#
#   benchmarks/scripts/fasttext-compare.sh [extra flags passed to both, e.g. -epoch 10]
#
# Both train with -loss hs (binary hierarchical softmax; Kindling's default label tree groups labels whose
# texts share words, fastText's is a Huffman tree). With ALSO_HUFFMAN=1 each run also trains Kindling with
# -tree huffman (fastText's exact model); with ALSO_HSM=1 also with -loss hsm (Kindling's two-level HSM).
#
# Environment: WORK (scratch dir, default /tmp/kindling-fasttext-compare), THREADS (default 2),
# RUNS (timed runs per tool, alternating, default 1), ALSO_HUFFMAN and ALSO_HSM (0/1, default 0), JAVA_HOME (JDK 25).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${WORK:-/tmp/kindling-fasttext-compare}"
threads="${THREADS:-2}"
runs="${RUNS:-1}"
also_hsm="${ALSO_HSM:-0}"
also_huffman="${ALSO_HUFFMAN:-0}"
command -v fasttext >/dev/null || { echo "fasttext not found: apt-get update && apt-get install -y fasttext" >&2; exit 1; }
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
bench_jar="$root/benchmarks/target/benchmarks.jar"
[ -f "$bench_jar" ] || { echo "build first: ./mvnw -q -pl benchmarks -am package -DskipTests" >&2; exit 1; }

mkdir -p "$work"
if [ ! -f "$work/train.txt" ]; then
  "$java" -cp "$bench_jar" dev.kindling.core.data.wordnet.HypernymCorpus "$work" 0.1 1
fi
flags=(-dim 100 -epoch 10 -lr 0.5 -wordNgrams 1 -minCount 1 -loss hs -thread "$threads" -verbose 0 "$@")
echo "corpus: $(wc -l < "$work/train.txt") train / $(wc -l < "$work/test.txt") test lines; flags: ${flags[*]}"

now() { date +%s.%N; }
# Runs a command, recording its peak RSS (MB) in $work/rss when /usr/bin/time is available.
measured() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f %M -o "$work/rss.kb" "$@"
    echo $(( $(tail -1 "$work/rss.kb") / 1024 )) > "$work/rss"
  else
    "$@"
    echo "?" > "$work/rss"
  fi
}
for ((r = 1; r <= runs; r++)); do
  t0=$(now); measured fasttext supervised -input "$work/train.txt" -output "$work/ft" "${flags[@]}"; t1=$(now)
  ft_time=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}'); ft_rss=$(cat "$work/rss")
  t0=$(now); measured "$root/bin/kindling" supervised -input "$work/train.txt" -output "$work/kd" "${flags[@]}" 2>/dev/null; t1=$(now)
  kd_time=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}'); kd_rss=$(cat "$work/rss")
  ft_p1=$(fasttext test "$work/ft.bin" "$work/test.txt" 1 | awk '$1=="P@1"{print $2}')
  kd_p1=$("$root/bin/kindling" test "$work/kd.bin" "$work/test.txt" 1 2>/dev/null | awk '$1=="P@1"{print $2}')
  printf 'run %d  fastText 0.9.2: %6.2f s  P@1 %s  peak RSS %s MB\n' "$r" "$ft_time" "$ft_p1" "$ft_rss"
  printf 'run %d  Kindling      : %6.2f s  P@1 %s  peak RSS %s MB   (time ratio kindling/fastText %.2f)\n' "$r" "$kd_time" "$kd_p1" \
    "$kd_rss" "$(awk -v a="$kd_time" -v b="$ft_time" 'BEGIN{print a/b}')"
  extra=()
  [ "$also_huffman" = 1 ] && extra+=("huffman:-tree huffman")
  [ "$also_hsm" = 1 ] && extra+=("hsm:-loss hsm")
  for e in "${extra[@]}"; do
    name="${e%%:*}"; more="${e#*:}"
    # shellcheck disable=SC2086
    t0=$(now); measured "$root/bin/kindling" supervised -input "$work/train.txt" -output "$work/kd-$name" "${flags[@]}" $more 2>/dev/null; t1=$(now)
    x_time=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}'); x_rss=$(cat "$work/rss")
    x_p1=$("$root/bin/kindling" test "$work/kd-$name.bin" "$work/test.txt" 1 2>/dev/null | awk '$1=="P@1"{print $2}')
    printf 'run %d  Kindling %-8s: %6.2f s  P@1 %s  peak RSS %s MB   (time ratio vs fastText %.2f)\n' "$r" "$name" "$x_time" "$x_p1" \
      "$x_rss" "$(awk -v a="$x_time" -v b="$ft_time" 'BEGIN{print a/b}')"
  done
done
