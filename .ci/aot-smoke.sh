#!/usr/bin/env bash
# AOT-mode smoke test: builds the sample app with Spring's ahead-of-time processing (-Paot), starts the
# jar with -Dspring.aot.enabled=true on a free port, and checks the page, a real diff from the Python
# sidecar, and health (overall and per sidecar); then stops it with SIGTERM and checks that the app
# and its child are gone. Any failure prints the app's log and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "aot-smoke: FAILED: $*" >&2
  [ -n "${log:-}" ] && [ -f "$log" ] && { echo "---- app log (last 80 lines)" >&2; tail -n 80 "$log" >&2; }
  exit 1
}

echo "== AOT smoke: building the sample app with process-aot"
build_log="$(mktemp -t aot-smoke-build.XXXXXX.log)"
mvn -B -ntp -pl sample-app -am -Paot package -Dmaven.test.skip=true >"$build_log" 2>&1 \
  || { tail -n 60 "$build_log" >&2; fail "the -Paot build failed (log: $build_log)"; }
grep -q "process-aot (process-aot) @ sidecar-sample-app" "$build_log" || fail "process-aot did not run"
rm -f "$build_log"

jars=(sample-app/target/sidecar-sample-app-*.jar)
[ "${#jars[@]}" -eq 1 ] && [ -f "${jars[0]}" ] || fail "expected one jar in sample-app/target, found: ${jars[*]}"
unzip -l "${jars[0]}" | grep -q "SampleApplication__BeanFactoryRegistrations.class" \
  || fail "the jar carries no AOT-generated classes"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
log="$(mktemp -t aot-smoke-app.XXXXXX.log)"
java -Dspring.aot.enabled=true -jar "${jars[0]}" --server.port="$port" --server.address=127.0.0.1 >"$log" 2>&1 &
app=$!
trap 'kill -KILL "$app" 2>/dev/null || true' EXIT

echo "== AOT smoke: waiting for the app on $base"
for _ in $(seq 1 120); do
  curl -sf "$base/actuator/health" >/dev/null 2>&1 && break
  kill -0 "$app" 2>/dev/null || fail "the app exited during startup"
  sleep 0.5
done
curl -sf "$base/actuator/health" >/dev/null || fail "no healthy app after 60 s"
grep -q "Starting AOT-processed SampleApplication" "$log" || fail "the app did not run in AOT mode"

echo "== AOT smoke: page, diff API, health"
curl -sf "$base/" | grep -q "<title>Sidecar Channels · diff sample</title>" || fail "/ did not serve the page"

diff_json="$(curl -sf -X POST -H 'Content-Type: application/json' \
  -d '{"left": "one\ntwo\nthree\n", "right": "one\n2\nthree\n"}' "$base/api/diff")" || fail "POST /api/diff failed"
python3 - "$diff_json" <<'PY' || fail "the diff API gave no real diff: $diff_json"
import json, sys
reply = json.loads(sys.argv[1])
assert "-two" in reply["unified"] and "+2" in reply["unified"], reply["unified"]
assert 0 < reply["similarity"] < 1, reply["similarity"]
assert "<table" in reply["html"]
PY

health="$(curl -sf "$base/actuator/health")" || fail "GET /actuator/health failed"
pid="$(python3 - "$health" <<'PY'
import json, sys
health = json.loads(sys.argv[1])
assert health["status"] == "UP", health["status"]
diff = health["components"]["sidecars"]["components"]["diff"]
assert diff["status"] == "UP" and diff["details"]["state"] == "RUNNING", diff
print(diff["details"]["pid"])
PY
)" || fail "health is not UP with the diff sidecar RUNNING: $health"
curl -sf "$base/actuator/health/sidecars/diff" | grep -q '"status":"UP"' || fail "/actuator/health/sidecars/diff is not UP"

echo "== AOT smoke: SIGTERM"
kill -TERM "$app"
for _ in $(seq 1 60); do kill -0 "$app" 2>/dev/null || break; sleep 0.5; done
kill -0 "$app" 2>/dev/null && fail "the app was still running 30 s after SIGTERM"
status=0; wait "$app" || status=$?
# 143 = terminated by SIGTERM after a graceful shutdown, which is how the JVM reports it.
[ "$status" -eq 0 ] || [ "$status" -eq 143 ] || fail "the app exited with status $status"
kill -0 "$pid" 2>/dev/null && fail "the Python sidecar (pid $pid) outlived the app"
grep -q "Sidecar 'diff' STOPPING -> STOPPED" "$log" || fail "the diff sidecar was not stopped cleanly"
trap - EXIT
rm -f "$log"
echo "aot-smoke: all checks passed"
