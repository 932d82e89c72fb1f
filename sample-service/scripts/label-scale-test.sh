#!/usr/bin/env bash
# Serving latency over HTTP as the label set grows: the sample service serving synthetic 20k, 100k and 1M-label models
# (benchmarks' SyntheticModels, hsm or hs), classify requests of topical texts (topical.lua), one RESULT line each.
# Usage: sample-service/scripts/label-scale-test.sh [kind=hsm] [duration=20s] [connections=16]
# Needs wrk and the built jars (./mvnw -q package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/../.."
KIND=${1:-hsm}
DURATION=${2:-20s}
CONNECTIONS=${3:-16}
PORT=${PORT:-18081}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAR=$(ls sample-service/target/kindling-sample-service-*.jar 2>/dev/null | grep -v original | head -n1 || true)
[ -n "$JAR" ] && [ -f benchmarks/target/benchmarks.jar ] || { echo "build first: ./mvnw -q package -DskipTests" >&2; exit 1; }
MODELS=${MODELS_DIR:-$(mktemp -d)}
WORK=$(mktemp -d)
SERVICE=
trap '[ -n "$SERVICE" ] && kill $SERVICE 2>/dev/null; rm -rf "$WORK"' EXIT
for labels in 20000 100000 1000000; do
  model="$MODELS/synthetic-$KIND-$labels.bin"
  [ -f "$model" ] || "$JAVA" --add-modules jdk.incubator.vector -Xmx6g -cp benchmarks/target/benchmarks.jar \
    dev.kindling.bench.serving.SyntheticModels "$MODELS" "$labels" "$KIND" >/dev/null 2>&1
  # SyntheticModels.topics: ceil(sqrt(N)) balanced clusters of ceil(N / clusters) labels; topics = ceil(N / size).
  clusters=$(awk -v n="$labels" 'BEGIN {s = int(sqrt(n)); if (s * s < n) s++; print s}')
  size=$(( (labels + clusters - 1) / clusters ))
  topics=$(( (labels + size - 1) / size ))
  "$JAVA" --add-modules jdk.incubator.vector -XX:+UseZGC -jar "$JAR" --server.port="$PORT" --logging.level.root=WARN \
    --kindling.models.wordnet.checkpoint="$model" --kindling.models.wordnet.type="$KIND" --kindling.fine-tuning.directory="$WORK/data-$labels" > "$WORK/service.log" 2>&1 &
  SERVICE=$!
  for _ in $(seq 1 300); do
    curl -fs "localhost:$PORT/actuator/health" >/dev/null 2>&1 && break
    kill -0 $SERVICE 2>/dev/null || { cat "$WORK/service.log"; exit 1; }
    sleep 1
  done
  TOPICS=$topics wrk -t2 -c"$CONNECTIONS" -d10s -s sample-service/scripts/topical.lua "http://localhost:$PORT" >/dev/null   # warm-up
  TOPICS=$topics wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s sample-service/scripts/topical.lua "http://localhost:$PORT" \
    | grep '^RESULT' | sed "s/^RESULT/RESULT $KIND-$labels/"
  kill $SERVICE; wait $SERVICE 2>/dev/null || true
  SERVICE=
done
