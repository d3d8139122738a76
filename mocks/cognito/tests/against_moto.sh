#!/usr/bin/env bash
# Runs the Cognito contract suite (the test binary given) unchanged against moto in server mode:
# the moto_server that real/install (scripts/bootstrap --real) put into the real tier's cache, on a
# free loopback port, stopped when the suite ends. Without it, says so and exits 0 (ctest reports
# the test skipped).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
real="$here/../../../real"
# shellcheck source=../../../real/versions.env
source "$real/versions.env"
# shellcheck source=../../../real/cache.sh
source "$real/cache.sh"
moto="$real_tier_cache/moto-$MOTO_VERSION"
if [[ ! -f "$moto/.installed" ]]; then
  echo "moto $MOTO_VERSION is not installed in $moto: run scripts/bootstrap --real"
  exit 0
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
"$moto/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
server=$!
stop() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -f "$log"
}
trap stop EXIT
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; echo "moto_server exited before it served" >&2; exit 1; }
  sleep 0.2
done
MCPH_COGNITO_URL="http://127.0.0.1:$port" MCPH_COGNITO_IMPL=moto "$@"
