#!/usr/bin/env bash
# The fleet's figures on this machine: a Kafka broker child process (KRaft, from the Maven artifacts) and three
# replicas fed WordNet glosses by three concurrent clients; fleet examples/s, replication lag p50/p99 (202 -> visible
# on every replica), bytes per example, the time a fresh replica takes to serve the current model, and P@1 of the
# fleet's model against one node fed the same stream (runs alternate). See FleetBenchmark for what each figure means.
# Usage: spring-boot-starter/scripts/fleet-bench.sh [runs=2] [streamed examples=6000]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-2}
STREAM=${2:-6000}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
./mvnw -q -B -pl sdk-core,spring-boot-starter,sample-service test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/fleet-bench.cp >/dev/null
CP="spring-boot-starter/target/test-classes:spring-boot-starter/target/classes:sdk-core/target/test-classes:sdk-core/target/classes"
CP="$CP:$(cat spring-boot-starter/target/fleet-bench.cp):$(cat sample-service/target/fleet-bench.cp)"
"$JAVA" --add-modules jdk.incubator.vector -Xmx6g -Druns="$RUNS" -Dstream="$STREAM" -cp "$CP" \
  dev.kindling.spring.fleet.FleetBenchmark 2>&1 | grep -E "^(RESULT|WordNet)|^Exception in|^Caused by"
