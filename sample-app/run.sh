#!/usr/bin/env bash
# Builds the sample app together with the starter it uses, then runs it and prints its URL.
#
#   sample-app/run.sh                 http://localhost:8080/
#   PORT=9090 sample-app/run.sh       another port
#   sample-app/run.sh --sidecar.processes.diff.restart.policy=always    extra arguments go to the app
#
# Needs a JDK 17+, Maven 3.8+ and python3 (Linux). Ctrl+C stops the app and its Python sidecar.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in java mvn python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "run.sh: '$tool' is not on the PATH; the sample app needs a JDK 17+, Maven and python3" >&2
    exit 1
  fi
done
PORT="${PORT:-8080}"

log="$(mktemp -t sidecar-sample-build.XXXXXX.log)"
echo "Building the sample app and the starter (log: $log; the first build downloads from Maven Central)..."
# -am builds the starter modules it depends on from this checkout; tests are for `mvn verify`.
if ! mvn -B -ntp -pl sample-app -am package -Dmaven.test.skip=true >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "run.sh: the build failed; the whole log is in $log" >&2
  exit 1
fi
rm -f "$log"

jars=(sample-app/target/sidecar-sample-app-*.jar)
if [ "${#jars[@]}" -ne 1 ] || [ ! -f "${jars[0]}" ]; then
  echo "run.sh: expected one executable jar in sample-app/target, found: ${jars[*]}" >&2
  exit 1
fi

echo "Starting the sample app: http://localhost:${PORT}/  (Ctrl+C stops it)"
exec java -jar "${jars[0]}" --server.port="$PORT" "$@"
