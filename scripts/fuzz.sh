#!/usr/bin/env bash
# Fuzzes one Jazzer target for a while: scripts/fuzz.sh <TestClass#method> [seconds] [module]
#   scripts/fuzz.sh SafetensorsFuzzTest#openAndLoad 300
#   scripts/fuzz.sh JsonRequestFuzzTest#classify 300 sample-service
# A normal build (./mvnw verify) runs only each target's saved inputs (src/test/resources/<package>/<Class>Inputs/).
# A finding is written there as crash-<hash> and from then on is a regression input of every build: fix the bug,
# keep the file. libFuzzer's working corpus goes to <module>/.cifuzz-corpus/ (not committed).
# The fuzzing JVM gets a small heap, so an allocation sized by a declared length that was not checked fails
# (OutOfMemoryError, a finding) instead of passing on a big machine, and every input gets 10 s (Jazzer hands the
# JUnit template timeout to libFuzzer per input; JUnit's own timeout is off, or it would end the whole run): a hang
# is a finding too. One target at a time (Jazzer's rule).
# FUZZ_INSTRUMENT widens what is instrumented for coverage (default dev.kindling.**; the JSON targets do better with
# FUZZ_INSTRUMENT='dev.kindling.**,tools.jackson.**').
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz.sh <TestClass#method> [seconds] [module]}"
seconds="${2:-300}"
module="${3:-sdk-core}"
if [ -z "${JAVA_HOME:-}" ] && [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
export JAZZER_FUZZ=1
exec ./mvnw -B -pl "$module" -am test \
  -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djazzer.max_duration="${seconds}s" \
  -Djazzer.instrument="${FUZZ_INSTRUMENT:-dev.kindling.**}" \
  -Djunit.jupiter.execution.timeout.testtemplate.method.default=10s \
  -Djunit.jupiter.execution.timeout.mode=disabled \
  -DargLine="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m -Xmx512m"
