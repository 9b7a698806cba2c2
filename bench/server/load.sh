#!/usr/bin/env bash
# Loads predict_server on loopback with wrk (16 connections, single-row requests) and, unless
# --prognos-only is given, runs the seed system (scikit-learn + Hug under gunicorn, from
# the peers folder beside this repository) the same way right after, so that both figures come
# from one session on one machine. Prints wrk's reports; quote requests/s and p99.
#
#   bash bench/server/load.sh [--prognos-only] [PEERS_DIR]
# Environment: DUR (seconds per run, default 15), CONN (connections, default 16).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
source scripts/deps.sh
prognos_install_deps

only_prognos=0
if [ "${1:-}" = "--prognos-only" ]; then only_prognos=1; shift; fi
peers="${1:-$root/../shared/peers}"
dur="${DUR:-15}"
conn="${CONN:-16}"

build=build/bench-server
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DPROGNOS_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target train_ai4i predict_server >/dev/null
"$build/examples/train_ai4i" --out "$build/ai4i.prognos" >/dev/null

log="$build/server.log"
"$build/examples/predict_server" --model "$build/ai4i.prognos" --port 0 >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q '^listening' "$log" && break; sleep 0.1; done
url="$(sed -n 's/^listening on //p' "$log")"

echo "=== prognos predict_server: wrk -t1 -c$conn -d${dur}s"
wrk -t1 -c"$conn" -d"${dur}s" --latency -s bench/server/post.lua "$url/predict"
kill $server
wait $server 2>/dev/null || true

if [ "$only_prognos" = 0 ]; then
    prognos_install_deps python3-sklearn python3-pandas python3-hug gunicorn
    echo
    echo "=== seed system (scikit-learn + Hug, gunicorn 2 workers): wrk -t1 -c$conn -d${dur}s"
    CONN="$conn" DUR="$dur" bash "$peers/seed_hug/run.sh"
fi
