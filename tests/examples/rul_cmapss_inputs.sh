#!/usr/bin/env bash
# Runs the rul_cmapss example on damaged copies of the C-MAPSS files and checks that each one
# fails with exit status 1 and a message naming the file and the fault, then once on the real
# files with a small forest, checking that it succeeds and writes its plot.
#   rul_cmapss_inputs.sh PATH/TO/rul_cmapss PATH/TO/cmapss-data-dir
set -euo pipefail
program="$1"
data="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fresh() {
    rm -rf "$work/d"
    mkdir "$work/d"
    cp "$data/train_FD001.txt" "$data/test_FD001.txt" "$data/RUL_FD001.txt" "$work/d/"
}

# expect_failure MESSAGE [ARGS...]: the program exits 1 and its stderr contains MESSAGE.
expect_failure() {
    local message="$1"
    shift
    local status=0
    "$program" --trees 2 --svg "$work/plot.svg" "$@" >"$work/out" 2>"$work/err" || status=$?
    if [ "$status" -ne 1 ] || ! grep -qF -- "$message" "$work/err"; then
        echo "FAILED: rul_cmapss $* should exit 1 with '$message'" >&2
        echo "exit status $status, stderr:" >&2
        cat "$work/err" >&2
        exit 1
    fi
}

fresh
rm "$work/d/RUL_FD001.txt"
expect_failure "cannot open $work/d/RUL_FD001.txt" --data "$work/d"

fresh
: >"$work/d/RUL_FD001.txt"
expect_failure "RUL_FD001.txt has 0 remaining lives but the test file has 100 engines" \
    --data "$work/d"

fresh
sed -i '$d' "$work/d/RUL_FD001.txt"
expect_failure "has 99 remaining lives but the test file has 100 engines" --data "$work/d"

fresh
sed -i '7s/.*/-3/' "$work/d/RUL_FD001.txt"
expect_failure "RUL_FD001.txt, line 7: expected one non-negative remaining life" --data "$work/d"

fresh
sed -i '3s/.*/abc/' "$work/d/RUL_FD001.txt"
expect_failure "RUL_FD001.txt, line 3: 'abc' is not a finite number" --data "$work/d"

fresh
sed -i '5s/$/ 7/' "$work/d/test_FD001.txt"
expect_failure "test_FD001.txt, line 5: 27 numbers instead of 26" --data "$work/d"

fresh
sed -i '2s/ [^ ]*$/ nan/' "$work/d/train_FD001.txt"
expect_failure "train_FD001.txt, line 2: 'nan' is not a finite number" --data "$work/d"

fresh
: >"$work/d/train_FD001.txt"
expect_failure "train_FD001.txt holds no data" --data "$work/d"

fresh
sed -i '9s/^[^ ]*/1e300/' "$work/d/test_FD001.txt"
expect_failure "test_FD001.txt, line 9: 1e300 is outside +-1e9" --data "$work/d"

fresh
sed -i '4s/.*/1e308/' "$work/d/RUL_FD001.txt"
expect_failure "RUL_FD001.txt, line 4: 1e308 is outside +-1e9" --data "$work/d"

# Found before any training: the message comes with nothing printed on stdout.
expect_failure "cannot write /nonexistent-dir/plot.svg" --svg /nonexistent-dir/plot.svg
if [ -s "$work/out" ]; then
    echo "FAILED: an unwritable --svg was found only after training" >&2
    exit 1
fi

# The real files: a small forest runs end to end and writes the plot.
"$program" --trees 10 --svg "$work/plot.svg" >"$work/out"
grep -q "RMSE" "$work/out"
grep -q "</svg>" "$work/plot.svg"
echo "rul_cmapss: all input checks passed"
