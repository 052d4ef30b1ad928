#!/usr/bin/env bash
# Runs every benchmark workload on H2 and on PostgreSQL, each in a fresh JVM, prints one JSON
# line per result, and writes the results table into benchmarks/RESULTS.md.
#
#   benchmarks/run.sh                 # all workloads, both databases
#   benchmarks/run.sh W1 W4           # some workloads
#   DATABASES=h2 benchmarks/run.sh    # one database
#   JAVA_OPTS=... MEMORY_OPTS=...     # JVM options of the speed and the memory pass
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q -pl benchmarks -am package -DskipTests
classpath="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
results="benchmarks/target/results.jsonl"
: > "$results"

workloads=("$@")
[ ${#workloads[@]} -eq 0 ] && workloads=(W1 W2 W3 W4 W5 W6)
# Two passes: with the JVM's default options (JAVA_OPTS), then with its heap capped
# (MEMORY_OPTS, -Xmx256m unless set) for the memory figures.
for pass in speed memory; do
  if [ "$pass" = speed ]; then options=${JAVA_OPTS:-}; else options=${MEMORY_OPTS:--Xmx256m}; fi
  for database in ${DATABASES:-h2 postgresql}; do
    for workload in "${workloads[@]}"; do
      java $options -Dbench.pass=$pass -cp "$classpath" dev.durable.benchmarks.Benchmark \
        "$workload" "$database" "$results"
    done
  done
done

java -cp "$classpath" dev.durable.benchmarks.Benchmark report "$results" benchmarks/RESULTS.md
echo "Results: $results; table: benchmarks/RESULTS.md"
