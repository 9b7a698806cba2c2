// SPDX-License-Identifier: Apache-2.0
// Uses the installed or embedded library end to end and exits non-zero if anything is off.
#include <prognos/prognos.hpp>

#include <cstdio>

int main() {
    prognos::Random rng(1);
    prognos::Matrix X(4, 1);
    X << 1, 2, 3, 4;
    std::printf("prognos %s: first draw %llu, rows %ld\n",
                prognos::version_string(),
                static_cast<unsigned long long>(rng()),
                static_cast<long>(X.rows()));
    return X.rows() == 4 ? 0 : 1;
}
