// SPDX-License-Identifier: Apache-2.0
// Must NOT compile: a pipeline must end in a model, not a transformer.
// Its assertion is the compiler's: tests/CMakeLists.txt builds this file as a ctest case
// that passes only when the build stops with "the last step must be a model".
#include <prognos/pipeline/pipeline.hpp>

#include "pipeline/mock_steps.hpp"

int main() {
    prognos::Pipeline<mock::Center> p;
    (void)p;
}
