#!/usr/bin/env bash
# Installs the Debian 12 packages prognos builds, tests and runs its examples with.
# Packages that are already installed are left alone, so a prepared machine makes no network
# calls. Sourced by the other scripts; runs apt-get as root or through sudo.
set -euo pipefail

PROGNOS_PACKAGES=(
    cmake g++ clang make pkg-config git ca-certificates curl
    libeigen3-dev libboost-math-dev nlohmann-json3-dev
    catch2 libbenchmark-dev libcpp-httplib-dev
    clang-format wrk
)

prognos_install_deps() {
    local missing=()
    for p in "${PROGNOS_PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "prognos: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}
