# Shared by run-jmh.sh and run-load.sh (sourced, not run). Needs $root (the repository root).

# shellcheck source=../bin/jdk.sh
. "$root/bin/jdk.sh"

# The Java to run, found as bin/patgate finds it: JAVA_HOME or java on PATH when 21+, else the newest
# JDK 21+ installed in the usual places; none: one line saying what to install, and failure.
bench_java() {
  patgate_find_java run bench || return 1
  echo "$PATGATE_JAVA_CMD"
}

# Is any source or pom newer than the given file (or the file missing)?
bench_stale() {
  [ ! -f "$1" ] && return 0
  [ -n "$(find "$root/pom.xml" "$root"/patgate-*/pom.xml "$root"/patgate-*/src/main -newer "$1" -type f 2>/dev/null | head -1)" ]
}

# Builds the PATgate jar and the benchmarks jar (siblings too) when missing or out of date.
bench_build() {
  if bench_stale "$root/patgate-bench/target/benchmarks.jar" || bench_stale "$root/patgate-server/target/patgate.jar"; then
    echo "building (./mvnw -q -pl patgate-bench -am package -DskipTests) ..." >&2
    (cd "$root" && ./mvnw -q -B -ntp -pl patgate-bench -am package -DskipTests) >&2
  fi
}

# Markdown list of the facts a reader needs to judge the numbers.
bench_machine_facts() {
  local java_cmd cpu
  java_cmd="$(bench_java)"
  cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)"
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- CPUs (\`nproc\`): $(nproc); CPU model: ${cpu:-unknown}; load average before the run: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
  echo "- Java: $("$java_cmd" -version 2>&1 | head -1)"
  echo "- PATgate: $(cd "$root" && git describe --always --dirty 2>/dev/null || echo unknown) ($("$java_cmd" -jar "$root/patgate-server/target/patgate.jar" --version 2>/dev/null | head -1 || echo version unknown))"
}
