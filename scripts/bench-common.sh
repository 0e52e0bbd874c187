# Shared by the benchmark scripts: build, then run a class from xdp-core's tests. Source it.
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
mvn -B -ntp -q install -DskipTests >/dev/null
mvn -B -ntp -q -pl xdp-core dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
bench_classpath="$root/xdp-core/target/test-classes:$root/xdp-core/target/classes:$(cat xdp-core/target/bench-classpath.txt)"

run_bench() {
  java --enable-native-access=ALL-UNNAMED -Xmx2g -cp "$bench_classpath" "$@"
}
