#!/usr/bin/env bash
# Runs every check prognos has: installs what is missing, then
#   1. builds tests, examples and benchmarks with g++ (C++17, warnings as errors) and runs the
#      test suite;
#   2. builds the tests with clang as C++20 under AddressSanitizer and UndefinedBehaviorSanitizer,
#      with Eigen's assertions on, and runs them again;
#   3. builds the tests of the threaded modules with clang under ThreadSanitizer (Eigen's
#      assertions on) and runs them;
#   4. compiles every public header on its own as C++20 with g++;
#   5. builds consumer projects against prognos through add_subdirectory, FetchContent and
#      find_package after an install;
#   6. checks formatting with clang-format.
# Build trees go to build/ci-* in the source tree. Exits non-zero on the first failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/deps.sh
prognos_install_deps

jobs="$(nproc)"
step() { printf '\n=== %s (%d s so far)\n' "$*" "$SECONDS"; }

step "g++ C++17 release build: tests, examples, benchmarks"
# -O2 rather than CMake's Release -O3: what most users build with, and a sixth less compile
# time on two cores.
cmake -S . -B build/ci-gcc -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
    -DCMAKE_CXX_COMPILER=g++ -DCMAKE_CXX_STANDARD=17 -DPROGNOS_WARNINGS_AS_ERRORS=ON \
    -DPROGNOS_BUILD_BENCHMARKS=ON >/dev/null
cmake --build build/ci-gcc -j"$jobs"
ctest --test-dir build/ci-gcc --output-on-failure -j"$jobs"

step "clang C++20 build under AddressSanitizer + UndefinedBehaviorSanitizer"
# No build type, so NDEBUG is unset and Eigen's own assertions (index and size checks) run
# too; -O1 and line tables only keep the build no slower than an -O2 -g one without them.
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cmake -S . -B build/ci-clang-asan -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_CXX_STANDARD=20 -DPROGNOS_WARNINGS_AS_ERRORS=ON -DPROGNOS_BUILD_EXAMPLES=OFF \
    -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only $san" -DCMAKE_EXE_LINKER_FLAGS="$san" >/dev/null
cmake --build build/ci-clang-asan -j"$jobs"
ctest --test-dir build/ci-clang-asan --output-on-failure -j"$jobs"

step "clang C++20 build of the threaded parts under ThreadSanitizer"
# Only the modules that start threads (forests, cross-validation, SVMs, concurrent predict):
# the whole suite under TSan would double the time of this script for no extra coverage.
tsan="-fsanitize=thread -fno-omit-frame-pointer"
cmake -S . -B build/ci-clang-tsan -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_CXX_STANDARD=20 -DPROGNOS_WARNINGS_AS_ERRORS=ON -DPROGNOS_BUILD_EXAMPLES=OFF \
    -DPROGNOS_TEST_MODULES="ensemble;model_selection;neural;svm;pipeline" \
    -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only $tsan" -DCMAKE_EXE_LINKER_FLAGS="$tsan" >/dev/null
cmake --build build/ci-clang-tsan -j"$jobs" --target prognos_tests
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" build/ci-clang-tsan/tests/prognos_tests

step "every public header alone, g++ C++20"
bash scripts/check_headers.sh

step "consumer projects: add_subdirectory, FetchContent, find_package after install"
bash tests/packaging/run.sh "$root" "$root/build/ci-packaging"

step "formatting (clang-format, 100 columns)"
git ls-files 'include/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'examples/*.cpp' 'examples/*.hpp' \
    'bench/*.cpp' 'bench/*.hpp' | xargs clang-format --dry-run -Werror

echo
echo "prognos: all checks passed in $SECONDS s"
