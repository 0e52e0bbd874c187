# Shared by the benchmark scripts: build, then run a class of the xdp-bench module. Source it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib.sh"
ensure_packages "${BUILD_PACKAGES[@]}"
select_jdk
if [ "$(id -u)" -ne 0 ]; then
  echo "error: benchmarks load BPF programs: run as root (or with CAP_BPF + CAP_PERFMON)" >&2
  exit 1
fi
cd "$root"
# One reactor build: the class path names this checkout's jars, not what ~/.m2 holds.
mvn -B -ntp -q -pl xdp-bench -am package -DskipTests dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
bench_classpath="$root/xdp-bench/target/classes:$(cat xdp-bench/target/bench-classpath.txt)"

run_bench() {
  java --enable-native-access=ALL-UNNAMED -Xmx2g -cp "$bench_classpath" "$@"
}
