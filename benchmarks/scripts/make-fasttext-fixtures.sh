#!/usr/bin/env bash
# Regenerates the fastText 0.9.2 fixtures of sdk-core's fastText compatibility tests
# (sdk-core/src/test/resources/fasttext/): small models made by the real fastText (Debian package
# `fasttext`) from deterministic synthetic corpora, and what fastText itself printed for them, so the
# tests check Kindling against fastText without needing fastText installed.
#
#   benchmarks/scripts/make-fasttext-fixtures.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/sdk-core/src/test/resources/fasttext"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
command -v fasttext >/dev/null || { echo "fasttext not found: apt-get install -y fasttext" >&2; exit 1; }
gen="$root/benchmarks/scripts/fasttext-fixture-corpus.py"
mkdir -p "$out" "$work/single" "$work/multi" "$work/big"
python3 "$gen" "$work/single" 20 15 3000 200 0 1     # 20 labels, one per line
python3 "$gen" "$work/multi" 20 15 3000 200 1 2      # 20 labels, 1-3 per line (for -loss ova)
python3 "$gen" "$work/big" 300 3 6000 200 0 3        # 300 labels (deeper hs tree; enough rows to quantize the output)
cp "$work/single/test.txt" "$out/single-test.txt"
cp "$work/multi/test.txt" "$out/multi-test.txt"
cp "$work/big/test.txt" "$out/big-test.txt"

common=(-dim 8 -epoch 4 -lr 0.2 -thread 1 -verbose 0 -seed 1)
ft() { fasttext "$@"; }
ft supervised -input "$work/single/train.txt" -output "$work/softmax" "${common[@]}" -wordNgrams 2 -bucket 1000 -loss softmax
ft supervised -input "$work/single/train.txt" -output "$work/hs" "${common[@]}" -wordNgrams 2 -bucket 1000 -loss hs
ft supervised -input "$work/single/train.txt" -output "$work/ns" "${common[@]}" -wordNgrams 2 -bucket 1000 -loss ns -neg 3
ft supervised -input "$work/single/train.txt" -output "$work/subword" "${common[@]}" -minn 2 -maxn 4 -bucket 1000 -loss softmax
ft supervised -input "$work/multi/train.txt" -output "$work/ova" "${common[@]}" -wordNgrams 2 -bucket 1000 -loss ova
ft supervised -input "$work/big/train.txt" -output "$work/big-hs" -dim 4 -epoch 5 -lr 0.5 -thread 1 -verbose 0 -seed 1 \
   -loss hs -wordNgrams 2 -bucket 500
# Quantized: char n-grams, pruned to 400 rows, norms quantized, retrained; and a pruned hs model with its
# output quantized too and a sub-vector size that does not divide dim (4 = 3 + 1).
cp "$work/subword.bin" "$work/subword-q.bin"
ft quantize -input "$work/single/train.txt" -output "$work/subword-q" -qnorm -cutoff 400 -retrain -epoch 1 -thread 1 -verbose 0
cp "$work/big-hs.bin" "$work/big-hs-q.bin"
ft quantize -input "$work/big/train.txt" -output "$work/big-hs-q" -qnorm -qout -cutoff 300 -dsub 3 -verbose 0

record() {   # model file, test file, name
  local model="$1" test="$2" name="$3"
  cp "$model" "$out/$(basename "$model")"
  ft predict-prob "$model" "$test" 3 > "$out/$name.predict-prob-3.txt"
  ft test "$model" "$test" 1 > "$out/$name.test-1.txt"
}
record "$work/softmax.bin" "$out/single-test.txt" softmax
record "$work/hs.bin" "$out/single-test.txt" hs
record "$work/ns.bin" "$out/single-test.txt" ns
record "$work/subword.bin" "$out/single-test.txt" subword
record "$work/ova.bin" "$out/multi-test.txt" ova
record "$work/big-hs.bin" "$out/big-test.txt" big-hs
record "$work/subword-q.ftz" "$out/single-test.txt" subword-q
record "$work/big-hs-q.ftz" "$out/big-test.txt" big-hs-q
ft predict-prob "$work/ova.bin" "$out/multi-test.txt" -1 0.3 > "$out/ova.predict-prob-all-0.3.txt"
ft print-sentence-vectors "$work/subword.bin" < "$out/single-test.txt" > "$out/subword.sentence-vectors.txt"
ft dump "$work/subword-q.ftz" args > "$out/subword-q.dump-args.txt"
ft dump "$work/hs.bin" dict > "$out/hs.dump-dict.txt"
echo "fastText $(dpkg-query -W -f='${Version}' fasttext 2>/dev/null || echo '?') fixtures written to $out:"
du -ch "$out"/* | tail -1
