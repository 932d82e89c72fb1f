#!/usr/bin/env bash
# A fleet of three sample services learning as one model over Kafka, on this machine, no Docker:
#   1. a one-node KRaft broker from the Maven artifacts (kafka_2.13, as Spring Boot manages it) as a child process
#   2. three sample services on three ports, each with its own data directory, kindling.fine-tuning.log=kafka
#   3. feedback with a brand-new label sent to replica 1; replicas 2 and 3 predict the label
#   4. replica 3 killed with SIGKILL, more feedback (another new label) to replica 1, replica 3 restarted: caught up
#      (same version and parameter digest as replica 1, and it predicts the second label too)
# Usage: sample-service/scripts/fleet-demo.sh   (KEEP=1 leaves the work directory; PORT_BASE=18180 by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
PORT_BASE=${PORT_BASE:-18180}
KAFKA_PORT=$((PORT_BASE + 9)); CONTROLLER_PORT=$((PORT_BASE + 8))
KEY=fleet-demo-key
WORK=$(mktemp -d /tmp/kindling-fleet-demo.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] && echo "work directory kept: $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
say() { printf '\n== %s\n' "$*"; }

say "building the sample service and the broker's class path (first time: a few minutes)"
./mvnw -q -B -pl sdk-core,spring-boot-starter,sample-service package -DskipTests
./mvnw -q -B -pl sdk-core,spring-boot-starter test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/broker.cp" >/dev/null
JAR=$(ls sample-service/target/kindling-sample-service-*.jar | grep -v original | head -n1)

say "starting a KRaft broker on localhost:$KAFKA_PORT (log: $WORK/broker.log)"
cat > "$WORK/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:$CONTROLLER_PORT
listeners=PLAINTEXT://localhost:$KAFKA_PORT,CONTROLLER://localhost:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://localhost:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$WORK/kafka-logs
num.partitions=1
# one broker: the internal topics cannot have more copies than brokers
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
offsets.topic.replication.factor=1
group.initial.rebalance.delay.ms=0
EOF
CP=$(cat "$WORK/broker.cp")
"$JAVA" -cp "$CP" kafka.tools.StorageTool format --standalone -t "$("$JAVA" -cp "$CP" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)" \
  -c "$WORK/server.properties" > "$WORK/format.log" 2>&1
"$JAVA" -Xmx512m -cp "$CP" kafka.Kafka "$WORK/server.properties" > "$WORK/broker.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do (exec 3<>/dev/tcp/localhost/$KAFKA_PORT) 2>/dev/null && break; sleep 1; done

declare -A SERVICE
start_replica() {   # start_replica N
  local n=$1
  "$JAVA" --add-modules jdk.incubator.vector -Xmx1500m -jar "$JAR" --server.port=$((PORT_BASE + n)) --sample.api-key=$KEY \
    --kindling.fine-tuning.log=kafka --spring.kafka.bootstrap-servers=localhost:$KAFKA_PORT --kindling.fleet.replica-id=replica$n \
    --kindling.fleet.checkpoint-interval=5s --kindling.fleet.session-timeout=6s \
    --kindling.fine-tuning.directory="$WORK/replica$n" --kindling.models.wordnet.checkpoint="$WORK/wordnet-default.bin" \
    --logging.level.root=WARN --logging.level.dev.kindling=INFO >> "$WORK/replica$n.log" 2>&1 &
  SERVICE[$n]=$!
  PIDS+=($!)
}
wait_up() {   # wait_up N
  for _ in $(seq 1 300); do
    curl -fs "localhost:$((PORT_BASE + $1))/v1/models" >/dev/null 2>&1 && return 0
    kill -0 "${SERVICE[$1]}" 2>/dev/null || { tail -n 40 "$WORK/replica$1.log"; exit 1; }
    sleep 1
  done
  echo "replica $1 did not start"; exit 1
}
top_label() {   # top_label N TEXT
  curl -fs "localhost:$((PORT_BASE + $1))/v1/models/wordnet/classify" -H 'Content-Type: application/json' \
    -d "{\"text\": \"$2\", \"k\": 1}" | sed -E 's/.*"label":"([^"]*)".*/\1/'
}
model_state() {   # model_state N -> "version=.. digest=.. examples=.."
  curl -fs "localhost:$((PORT_BASE + $1))/v1/models" \
    | sed -E 's/.*"version":([0-9]+).*"examplesApplied":([0-9]+).*"digest":"([0-9a-f]+)".*/version=\1 digest=\3 examples=\2/'
}
teach() {   # teach N LABEL TEXT COUNT
  for i in $(seq 1 "$4"); do
    curl -fs -o /dev/null -w '%{http_code} ' "localhost:$((PORT_BASE + $1))/v1/models/wordnet/feedback" -H "X-API-Key: $KEY" \
      -H 'Content-Type: application/json' -d "{\"text\": \"$3 $i\", \"label\": \"$2\"}"
  done
  echo
}
await_label() {   # await_label N TEXT LABEL
  for _ in $(seq 1 300); do
    [ "$(top_label "$1" "$2")" = "$3" ] && return 0
    sleep 0.1
  done
  echo "replica $1 does not predict $3 after 30 s"; exit 1
}

say "replica 1 on port $((PORT_BASE + 1)) (its first start trains the WordNet model into $WORK, ~1 min)"
start_replica 1; wait_up 1
say "replicas 2 and 3 on ports $((PORT_BASE + 2)) and $((PORT_BASE + 3)): they start from the fleet's checkpoint"
start_replica 2; start_replica 3; wait_up 2; wait_up 3
for n in 1 2 3; do echo "replica $n: $(model_state $n)"; done

TEXT="a foldable electric kick scooter with a battery for commuting in the city"
say "before: replica 2 says '$(top_label 2 "$TEXT")', replica 3 says '$(top_label 3 "$TEXT")'"
say "teaching replica 1 a brand-new label, e_scooter.n99000001 (202 = held by the Kafka cluster)"
teach 1 e_scooter.n99000001 "$TEXT" 12
await_label 2 "$TEXT" e_scooter.n99000001; echo "replica 2 predicts: $(top_label 2 "$TEXT")"
await_label 3 "$TEXT" e_scooter.n99000001; echo "replica 3 predicts: $(top_label 3 "$TEXT")"

say "SIGKILL replica 3 (pid ${SERVICE[3]}), then teach replica 1 another new label while it is down"
{ kill -9 "${SERVICE[3]}"; wait "${SERVICE[3]}"; } 2>/dev/null || true
TEXT2="a small autonomous robot that delivers parcels on the pavement"
teach 1 delivery_robot.n99000002 "$TEXT2" 12
await_label 2 "$TEXT2" delivery_robot.n99000002; echo "replica 2 predicts: $(top_label 2 "$TEXT2")"
say "restarting replica 3 on its data directory"
start_replica 3; wait_up 3
await_label 3 "$TEXT2" delivery_robot.n99000002; echo "replica 3 predicts: $(top_label 3 "$TEXT2")"
sleep 1
for n in 1 2 3; do echo "replica $n: $(model_state $n)"; done
s1=$(model_state 1); s3=$(model_state 3)
[ "$s1" = "$s3" ] && say "caught up: replica 3 holds the same version and parameter digest as replica 1" \
  || { say "replica 3 differs from replica 1: $s3 vs $s1"; exit 1; }
