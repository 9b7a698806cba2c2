// SPDX-License-Identifier: Apache-2.0
// Must NOT compile: a model may only be the last step of a pipeline.
// Its assertion is the compiler's: tests/CMakeLists.txt builds this file as a ctest case
// that passes only when the build stops with "only the last step may be a model".
#include <prognos/pipeline/pipeline.hpp>

#include "pipeline/mock_steps.hpp"

int main() {
    prognos::Pipeline<mock::SignModel, mock::SignModel> p;
    (void)p;
}
