#!/usr/bin/env bash
# Runs every benchmark workload on H2 and on PostgreSQL, each in a fresh JVM, prints one JSON
# line per result, and writes the results table into benchmarks/RESULTS.md (rows of the
# workloads and databases not run are kept as they were).
#
#   benchmarks/run.sh                 # all workloads, every database
#   benchmarks/run.sh W1 W4           # some workloads (W1 to W7; P1 and P2, W1's work on db-scheduler and JobRunr;
#                                     # W8-1 and W8-16, one event per send from 1 and 16 threads, cold and warm,
#                                     # P3-N and P4-N, the same on db-scheduler and JobRunr, and W9-N, the floor:
#                                     # one insert per call and one update per run by hand; on the durable
#                                     # databases only)
#   DATABASES=h2 benchmarks/run.sh    # one database (h2, h2-durable, postgresql or postgresql-durable)
#   JAVA_OPTS=... MEMORY_OPTS=...     # JVM options of the speed and the memory pass
#   JVMS=5 benchmarks/run.sh          # JVMs per throughput workload (W1, W5, W6, W7, P1, P2) in the speed pass
#
# h2 and postgresql are the databases as the tests start them, which return from a commit before
# it is on disk (H2's WRITE_DELAY, the embedded PostgreSQL's fsync=off and synchronous_commit=off).
# h2-durable (WRITE_DELAY=0) and postgresql-durable (fsync and synchronous_commit on) write every
# commit to disk before it returns; W1 and W5 run on them, in the speed pass.
#
# Each workload is warmed up for at least -Dbench.warmUpSeconds (15 unless set), then until the JIT
# compiler has compiled for less than 2% of the last 5 s, for at most -Dbench.warmUpLimitSeconds
# (60 unless set), in batches of -Dbench.warmUpRuns runs (2,000 unless set).
# JAVA_OPTS can also set those, -Dbench.h2Options=";KEY=VALUE"
# (appended to the H2 database's URL), -Dbench.h2Statistics=true (prints H2's count and time of
# each statement to stderr), -Dbench.w6Threads=N (W6's runs shared between N threads),
# -Dbench.pgStatements=true (counts PostgreSQL's statements with pg_stat_statements after the
# warm-up and prints their calls, time and rows, and each table's rows written, to stderr),
# -Dbench.pgWaits=true (samples what PostgreSQL's active backends wait for, every millisecond of the
# measured rounds, and prints the counts by wait and statement to stderr), -Dbench.pgOptions="&key=value"
# (appended to the PostgreSQL JDBC URL), -Dbench.sql="STATEMENT;..." (run once the schema is
# created, to try a change to it, such as dropping an index) and -Dbench.profile=FILE (a profile
# of the throughput workloads' measured rounds by async-profiler, on Linux and macOS: a flame graph
# if FILE ends in .html, JFR in .jfr, collapsed stacks otherwise; -Dbench.profileEvent=wall, alloc
# or lock samples those instead of CPU time), and -Dbench.eventPadding=N (each event the engine's
# workloads send carries a field of N characters besides its number, for events of a realistic size).
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q -pl benchmarks -am package -DskipTests
classpath="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
results="benchmarks/target/results.jsonl"
: > "$results"

workloads=("$@")
[ ${#workloads[@]} -eq 0 ] && workloads=(W1 W2 W3 W4 W5 W6 W7 P1 P2 W8-1 W8-16 P3-1 P3-16 P4-1 P4-16 W9-1 W9-16)
# Two passes: with the JVM's default options (JAVA_OPTS), then with its heap capped
# (MEMORY_OPTS, -Xmx256m unless set) for the memory figures. The throughput workloads move more
# between JVMs than between rounds in one, so the speed pass runs each of them in JVMS JVMs
# (3 unless set), taking turns, and the table reports their median JVM.
for pass in speed memory; do
  if [ "$pass" = speed ]; then options=${JAVA_OPTS:-}; jvms=${JVMS:-3}; else options=${MEMORY_OPTS:--Xmx256m}; jvms=1; fi
  for database in ${DATABASES:-h2 h2-durable postgresql postgresql-durable}; do
    for ((jvm = 1; jvm <= jvms; jvm++)); do
      for workload in "${workloads[@]}"; do
        case "$workload" in W1|W5|W6|W7|P1|P2|W8-*|P3-*|P4-*|W9-*) ;; *) [ "$jvm" -gt 1 ] && continue ;; esac
        case "$workload" in
          # One event per send: as applications send, with every commit on disk.
          W8-*|P3-*|P4-*|W9-*) case "$database" in *-durable) ;; *) continue ;; esac ;;
          *) case "$database/$workload/$pass" in *-durable/W1/speed|*-durable/W5/speed|h2/*|postgresql/*) ;; *) continue ;; esac ;;
        esac
        java $options -Dbench.pass=$pass -cp "$classpath" dev.durable.benchmarks.Benchmark \
          "$workload" "$database" "$results"
      done
    done
  done
done

java -cp "$classpath" dev.durable.benchmarks.Benchmark report "$results" benchmarks/RESULTS.md
echo "Results: $results; table: benchmarks/RESULTS.md"
