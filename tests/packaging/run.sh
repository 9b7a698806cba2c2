#!/usr/bin/env bash
# Builds and runs tests/packaging/consumer three ways: add_subdirectory, FetchContent and
# find_package against a fresh install. Usage: run.sh SOURCE_DIR WORK_DIR
set -euo pipefail
src="$1"
work="$2"
rm -rf "$work"
mkdir -p "$work"
consumer="$src/tests/packaging/consumer"

for mode in subdirectory fetchcontent; do
    cmake -S "$consumer" -B "$work/$mode" -DPROGNOS_CONSUMER_MODE=$mode \
        -DPROGNOS_SOURCE_DIR="$src" >/dev/null
    cmake --build "$work/$mode" >/dev/null
    "$work/$mode/consumer"
done

cmake -S "$src" -B "$work/lib" -DPROGNOS_BUILD_TESTS=OFF -DPROGNOS_BUILD_EXAMPLES=OFF \
    -DCMAKE_INSTALL_PREFIX="$work/prefix" >/dev/null
cmake --install "$work/lib" >/dev/null
cmake -S "$consumer" -B "$work/package" -DPROGNOS_CONSUMER_MODE=package \
    -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/package" >/dev/null
"$work/package/consumer"
echo "packaging: add_subdirectory, FetchContent and find_package all build and run"
