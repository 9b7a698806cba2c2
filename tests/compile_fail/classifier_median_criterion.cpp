// SPDX-License-Identifier: Apache-2.0
// Must NOT compile: absolute error is a regression criterion; a classifier's criterion type
// (gini, entropy) has no such value, so asking for it is caught by the compiler.
// Its assertion is the compiler's: tests/CMakeLists.txt builds this file as a ctest case
// that passes only when the build stops with an error naming absolute_error.
#include <prognos/tree/decision_tree.hpp>

int main() {
    prognos::DecisionTreeClassifier::Params p;
    p.criterion = prognos::DecisionTreeClassifier::Criterion::absolute_error;
    (void)p;
}
