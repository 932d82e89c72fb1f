#!/usr/bin/env bash
# Regression guard for serving latency (one run, comparable RESULT lines):
#   1. trivial   GET /v1/models: the framework's ceiling on this machine
#   2. idle      POST classify, no fine-tuning
#   3. training  POST classify while a fine-tuning job of JOB_EXAMPLES WordNet examples trains
# Usage: sample-service/scripts/load-test.sh [duration=30s] [connections=16]
#   JAVA_OPTS: options for the service's JVM (default -XX:+UseZGC, as the quick start runs it; JAVA_OPTS= for G1);
#   JFR=<file>: record a profile of the whole run; any further arguments go to the service (e.g.
#   --kindling.fine-tuning.max-examples-per-second=4000).
# Needs wrk (apt-get install wrk) and a built jar (./mvnw -q -pl sample-service -am package -DskipTests).
# KINDLING_HOME (default: kindling-data) holds the default model; the first start trains it (~1 min). Each run learns into a
# fresh data directory of its own (a log left by an earlier run would be replayed while this one measures).
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-30s}
CONNECTIONS=${2:-16}
SERVICE_ARGS=("${@:3}")
PORT=${PORT:-18080}
JOB_EXAMPLES=${JOB_EXAMPLES:-300000}   # enough to train through the whole measured run (at up to ~9,000 examples/s)
KEY=load-test-key
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAR=$(ls sample-service/target/kindling-sample-service-*.jar 2>/dev/null | grep -v original | head -n1 || true)
[ -n "$JAR" ] || { echo "build the service first: ./mvnw -q -pl sample-service -am package -DskipTests" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'kill $SERVICE 2>/dev/null || true; rm -rf "$WORK"' EXIT

"$JAVA" --add-modules jdk.incubator.vector ${JAVA_OPTS--XX:+UseZGC} ${JFR:+-XX:StartFlightRecording=filename=$JFR,settings=profile} -jar "$JAR" \
  --server.port="$PORT" --sample.api-key="$KEY" --logging.level.root=WARN --kindling.fine-tuning.directory="$WORK/data" "${SERVICE_ARGS[@]}" \
  > "$WORK/service.log" 2>&1 &
SERVICE=$!
echo "waiting for the service (pid $SERVICE; log $WORK/service.log)..."
for _ in $(seq 1 600); do
  curl -fs "localhost:$PORT/actuator/health" >/dev/null 2>&1 && break
  kill -0 $SERVICE 2>/dev/null || { cat "$WORK/service.log"; exit 1; }
  sleep 1
done

run() {   # name, lua script
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "sample-service/scripts/$2" "http://localhost:$PORT" > "$WORK/$1.txt"
  grep '^RESULT' "$WORK/$1.txt" | sed "s/^RESULT/RESULT $1/"
}

# Warm-up (JIT) before anything is measured.
wrk -t2 -c"$CONNECTIONS" -d10s -s sample-service/scripts/classify.lua "http://localhost:$PORT" >/dev/null
run trivial trivial.lua | tee "$WORK/results.txt"
run idle classify.lua | tee -a "$WORK/results.txt"

# A real fine-tuning job: WordNet's hypernym corpus, written by the SDK's corpus tool from the service's own jar.
"$JAVA" -cp "$JAR" -Dloader.main=dev.kindling.core.data.wordnet.HypernymCorpus \
  org.springframework.boot.loader.launch.PropertiesLauncher "$WORK/corpus" 0.1 7 >/dev/null
# awk reads to the end (head would stop early and, under pipefail, end the script by its writer's SIGPIPE).
for _ in 1 2 3 4; do cat "$WORK/corpus/train.txt"; done | awk -v n="$JOB_EXAMPLES" 'NR <= n' > "$WORK/job.txt"
JOB=$(curl -fs -H "X-API-Key: $KEY" -F file=@"$WORK/job.txt" "localhost:$PORT/v1/models/wordnet/fine-tune-jobs" \
  | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
sleep 2   # the job is running at full rate before the load starts
run training classify.lua > "$WORK/training-result.txt"
STATUS=$(curl -fs -H "X-API-Key: $KEY" "localhost:$PORT/v1/fine-tune-jobs/$JOB")
EPS=$(echo "$STATUS" | sed -n 's/.*"examplesPerSecond":\([0-9.E]*\).*/\1/p')
STATE=$(echo "$STATUS" | sed -n 's/.*"state":"\([A-Z]*\)".*/\1/p')
APPLIED=$(echo "$STATUS" | sed -n 's/.*"appliedExamples":\([0-9]*\).*/\1/p')
sed "s/\$/ job_state=$STATE job_applied=$APPLIED job_examples_per_s=$EPS/" "$WORK/training-result.txt" | tee -a "$WORK/results.txt"
echo
awk '/RESULT trivial/ {for (i=1;i<=NF;i++) if ($i ~ /^rps=/) {split($i,a,"="); t=a[2]}}
     /RESULT idle/ {for (i=1;i<=NF;i++) if ($i ~ /^rps=/) {split($i,a,"="); c=a[2]}}
     END {if (t > 0) printf "idle classify / trivial endpoint = %.2f\n", c / t}' "$WORK/results.txt"
