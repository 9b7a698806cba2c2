#!/usr/bin/env bash
# The main job: installs what is missing, builds the examples, trains the AI4I 2020 failure
# model and prints its evaluation, saves it, starts the predict server on loopback and shows
# one real request and its answer.
#
#   bash scripts/demo.sh            # then stops the server
#   bash scripts/demo.sh --serve    # keeps serving until Ctrl-C
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/deps.sh
prognos_install_deps

build=build/demo
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DPROGNOS_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target train_ai4i predict_server

echo
echo "=== train"
"$build/examples/train_ai4i" --data examples/data/ai4i2020.csv --out "$build/ai4i.prognos"

echo
echo "=== serve"
log="$build/predict_server.log"
"$build/examples/predict_server" --model "$build/ai4i.prognos" --port 0 >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    grep -q '^listening on ' "$log" && break
    kill -0 $server 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.1
done
url="$(sed -n 's/^listening on //p' "$log")"
echo "predict_server is listening on $url"

# UDI 3237 of the data set, taken as it is: a machine that failed (heat dissipation).
request='{"instances": {"Type": "M", "Air temperature [K]": 300.8,
  "Process temperature [K]": 309.4, "Rotational speed [rpm]": 1342, "Torque [Nm]": 62.4,
  "Tool wear [min]": 113}}'
echo
echo "POST $url/predict"
echo "$request"
echo
echo "answer:"
curl -sS -X POST -H 'Content-Type: application/json' --data-binary "$request" "$url/predict"
echo

if [ "${1:-}" = "--serve" ]; then
    echo
    echo "serving on $url (GET /health, GET /model, POST /predict); Ctrl-C stops"
    wait $server
fi
