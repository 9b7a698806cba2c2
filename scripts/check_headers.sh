#!/usr/bin/env bash
# Compiles every public header on its own with g++ as C++20 (the test builds cover g++ C++17
# and clang C++20), warnings as errors: each header must include what it uses, and the
# library must build warning-free in every standard it claims.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
check() {
    printf '#include <%s>\n' "${1#include/}" |
        g++ -std=c++20 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -x c++ - \
            -Iinclude -I/usr/include/eigen3 ||
        { echo "header check failed: $1" >&2; return 1; }
}
export -f check
find include -name '*.hpp' | sort | xargs -P "$(nproc)" -I{} bash -c 'check {}'
echo "headers: $(find include -name '*.hpp' | wc -l) compile alone as C++20 with g++"
