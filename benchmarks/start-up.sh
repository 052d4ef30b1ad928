#!/usr/bin/env bash
# Measures how long the sample application takes to start, as a user runs its jar: each start in
# a new directory, on a new H2 file database, until Spring Boot logs "Started ... in X seconds".
# Prints one JSON line per start, taking turns between the plain jar and, when CDS=true, the same
# application extracted and started with a class data sharing archive made by a training run
# (Spring Boot's "Class Data Sharing" recipe).
#
#   benchmarks/start-up.sh            # 5 starts of the jar
#   STARTS=8 CDS=true benchmarks/start-up.sh
#   JAVA=/path/to/bin/java            # another JDK
set -euo pipefail
cd "$(dirname "$0")/.."

starts="${STARTS:-5}"
cds="${CDS:-false}"
java="${JAVA:-java}"

./mvnw -B -q -pl sample-app -am package -DskipTests
jar="$(pwd)/sample-app/target/sample-app-0.1.0-SNAPSHOT.jar"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ "$cds" == "true" ]]; then
	"$java" -Djarmode=tools -jar "$jar" extract --destination "$work/extracted" > /dev/null
	# The training run refreshes the context and exits before the application's lifecycle starts.
	# The archive holds the class path as given: the starts give the same absolute one.
	(cd "$work/extracted" && "$java" -XX:ArchiveClassesAtExit=app.jsa -Dspring.context.exit=onRefresh \
		-jar "$work/extracted/$(basename "$jar")" --server.port=0 > training.log 2>&1 && rm -rf data)
fi

# Starts the application with the given java arguments in a new directory and prints its start.
start() {
	local kind="$1"
	shift
	local dir
	dir="$(mktemp -d "$work/start.XXXX")"
	(cd "$dir" && exec "$java" "$@" --server.port=0 > out.log 2>&1) &
	local pid=$!
	for _ in $(seq 1 240); do
		grep -q "Started SampleApplication" "$dir/out.log" 2> /dev/null && break
		sleep 0.25
	done
	kill "$pid" 2> /dev/null || true
	wait "$pid" 2> /dev/null || true
	local started running load
	started="$(grep -o 'Started SampleApplication in [0-9.]*' "$dir/out.log" | awk '{print $4}')"
	running="$(grep -o 'process running for [0-9.]*' "$dir/out.log" | awk '{print $4}')"
	load="$(cut -d' ' -f1 /proc/loadavg)"
	echo "{\"start\":\"$kind\",\"startedSeconds\":${started:-null},\"processSeconds\":${running:-null},\"loadAverage\":$load}"
	rm -rf "$dir"
}

for _ in $(seq 1 "$starts"); do
	start jar -jar "$jar"
	if [[ "$cds" == "true" ]]; then
		start cds -XX:SharedArchiveFile="$work/extracted/app.jsa" -jar "$work/extracted/$(basename "$jar")"
	fi
done
