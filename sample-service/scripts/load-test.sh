#!/usr/bin/env bash
# Load test of the sample service on loopback: wrk against /classify while a fine-tuning job runs.
# Usage: sample-service/scripts/load-test.sh [duration=30s] [connections=16]
# Needs wrk (apt-get install wrk) and a built jar (./mvnw -q -pl sample-service -am package -DskipTests).
# KINDLING_HOME (default: kindling-data) holds the default model; the first start trains it (~1-2 min).
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-30s}
CONNECTIONS=${2:-16}
PORT=${PORT:-18080}
KEY=load-test-key
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAR=$(ls sample-service/target/kindling-sample-service-*.jar 2>/dev/null | grep -v original | head -n1 || true)
[ -n "$JAR" ] || { echo "build the service first: ./mvnw -q -pl sample-service -am package -DskipTests" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'kill $SERVICE 2>/dev/null || true; rm -rf "$WORK"' EXIT

"$JAVA" --add-modules jdk.incubator.vector -jar "$JAR" --server.port="$PORT" --sample.api-key="$KEY" \
  > "$WORK/service.log" 2>&1 &
SERVICE=$!
echo "waiting for the service (pid $SERVICE; log $WORK/service.log)..."
for _ in $(seq 1 600); do
  curl -fs "localhost:$PORT/actuator/health" >/dev/null 2>&1 && break
  kill -0 $SERVICE 2>/dev/null || { cat "$WORK/service.log"; exit 1; }
  sleep 1
done

# A real fine-tuning job: WordNet's hypernym corpus, written by the SDK's corpus tool from the service's own jar.
"$JAVA" -cp "$JAR" -Dloader.main=dev.kindling.core.data.wordnet.HypernymCorpus \
  org.springframework.boot.loader.launch.PropertiesLauncher "$WORK/corpus" 0.1 7 >/dev/null
head -n 30000 "$WORK/corpus/train.txt" > "$WORK/job.txt"
JOB=$(curl -fs -H "X-API-Key: $KEY" -F file=@"$WORK/job.txt" "localhost:$PORT/v1/models/wordnet/fine-tune-jobs" \
  | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
echo "fine-tuning job $JOB started (30000 examples)"

wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s sample-service/scripts/classify.lua "http://localhost:$PORT" | tee "$WORK/wrk.txt"
STATUS=$(curl -fs -H "X-API-Key: $KEY" "localhost:$PORT/v1/fine-tune-jobs/$JOB")
echo "job after the load: $STATUS"
echo
grep '^RESULT' "$WORK/wrk.txt" | sed 's/^RESULT/classify under fine-tuning:/'
echo "$STATUS" | sed -n 's/.*"state":"\([A-Z]*\)".*"appliedExamples":\([0-9]*\).*"examplesPerSecond":\([0-9.E]*\).*/fine-tuning job: state \1, applied \2, examples\/s \3/p'
