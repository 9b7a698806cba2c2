// SPDX-License-Identifier: Apache-2.0
// Must NOT compile: a step that takes only a Table cannot follow one that produces a Matrix.
// Its assertion is the compiler's: tests/CMakeLists.txt builds this file as a ctest case
// that passes only when the build stops with "a step takes only a Table but the step before it
// produces a Matrix".
#include <prognos/pipeline/pipeline.hpp>

#include "pipeline/mock_steps.hpp"

int main() {
    auto p = prognos::make_pipeline(mock::Center{}, mock::AddHundred{}, mock::SignModel{});
    p.fit(prognos::Matrix::Zero(2, 2), prognos::IntVector::Zero(2));
}
