#!/usr/bin/env bash
# Measures how long the sample application takes to start, as a user runs its jar: each start in
# a new directory, on a new H2 file database, until Spring Boot logs "Started ... in X seconds".
# Prints one JSON line per start, taking turns between the plain jar and, when CDS=true, the same
# application extracted and started with a class data sharing archive made by a training run
# (Spring Boot's "Class Data Sharing" recipe), and, when RUN=true, the README's command
# (./mvnw spring-boot:run, whose forked JVM Spring Boot starts with -XX:TieredStopAtLevel=1).
# BASELINE=true adds two more: the application extracted and started without an archive, and, on
# the same libraries without the engine's, a Spring Boot application of one class and no bean of
# its own, for what Spring Boot and the sample's starters take to start before the engine adds to it.
#
#   benchmarks/start-up.sh            # 5 starts of the jar
#   STARTS=8 CDS=true RUN=true BASELINE=true benchmarks/start-up.sh
#   JAVA=/path/to/bin/java            # another JDK (not for RUN=true, which runs Maven's)
set -euo pipefail
cd "$(dirname "$0")/.."

starts="${STARTS:-5}"
cds="${CDS:-false}"
run="${RUN:-false}"
baseline="${BASELINE:-false}"
java="${JAVA:-java}"

./mvnw -B -q -pl sample-app -am package -DskipTests
jar="$(pwd)/sample-app/target/sample-app-0.1.0-SNAPSHOT.jar"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ "$cds" == "true" || "$baseline" == "true" ]]; then
	"$java" -Djarmode=tools -jar "$jar" extract --destination "$work/extracted" > /dev/null
fi
if [[ "$cds" == "true" ]]; then
	# The training run refreshes the context and exits before the application's lifecycle starts.
	# The archive holds the class path as given: the starts give the same absolute one.
	(cd "$work/extracted" && "$java" -XX:ArchiveClassesAtExit=app.jsa -Dspring.context.exit=onRefresh \
		-jar "$work/extracted/$(basename "$jar")" --server.port=0 > training.log 2>&1 && rm -rf data)
fi

if [[ "$baseline" == "true" ]]; then
	mkdir -p "$work/baseline/src"
	cat > "$work/baseline/src/BaselineApplication.java" <<'JAVA'
package baseline;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class BaselineApplication {

	public static void main(String[] args) {
		SpringApplication.run(BaselineApplication.class, args);
	}

}
JAVA
	libraries="$(find "$work/extracted/lib" -name '*.jar' ! -name 'inngest-*' | sort | paste -sd:)"
	javac -d "$work/baseline" -cp "$libraries" "$work/baseline/src/BaselineApplication.java"
fi

# Starts the application with the given command in a new directory and prints its start.
start() {
	local kind="$1"
	shift
	local dir
	dir="$(mktemp -d "$work/start.XXXX")"
	(cd "$dir" && exec "${@//@DIR@/$dir}" > out.log 2>&1) &
	local pid=$!
	for _ in $(seq 1 480); do
		grep -q "Started [A-Za-z]*Application" "$dir/out.log" 2> /dev/null && break
		sleep 0.25
	done
	# Maven's run waits for the JVM it forked, which stops on its own signal.
	pkill -f "workingDirectory=$dir" 2> /dev/null || true
	pkill -f -- "-Dsample.start=$dir" 2> /dev/null || true
	kill "$pid" 2> /dev/null || true
	wait "$pid" 2> /dev/null || true
	local started running load
	started="$(grep -o 'Started [A-Za-z]*Application in [0-9.]*' "$dir/out.log" | awk '{print $4}')"
	running="$(grep -o 'process running for [0-9.]*' "$dir/out.log" | awk '{print $4}')"
	load="$(cut -d' ' -f1 /proc/loadavg)"
	echo "{\"start\":\"$kind\",\"startedSeconds\":${started:-null},\"processSeconds\":${running:-null},\"loadAverage\":$load}"
	rm -rf "$dir"
}

root="$(pwd)"
for _ in $(seq 1 "$starts"); do
	start jar "$java" -jar "$jar" --server.port=0
	if [[ "$cds" == "true" ]]; then
		start cds "$java" -XX:SharedArchiveFile="$work/extracted/app.jsa" -jar "$work/extracted/$(basename "$jar")" \
			--server.port=0
	fi
	if [[ "$baseline" == "true" ]]; then
		start extracted "$java" -jar "$work/extracted/$(basename "$jar")" --server.port=0
		start baseline "$java" -cp "$work/baseline:$libraries" baseline.BaselineApplication --server.port=0
	fi
	if [[ "$run" == "true" ]]; then
		# The README's command, offline as the jar was just built, in the start's directory.
		start spring-boot:run "$root/mvnw" -B -q -o -f "$root/pom.xml" -pl sample-app -am spring-boot:run \
			-Dspring-boot.run.workingDirectory=@DIR@ -Dspring-boot.run.arguments=--server.port=0 \
			-Dspring-boot.run.jvmArguments=-Dsample.start=@DIR@
	fi
done
