// SPDX-License-Identifier: Apache-2.0
// Must NOT compile: a step that takes only a Table cannot follow one that produces a Matrix.
#include <prognos/pipeline/pipeline.hpp>

#include "pipeline/mock_steps.hpp"

int main() {
    auto p = prognos::make_pipeline(mock::Center{}, mock::AddHundred{}, mock::SignModel{});
    p.fit(prognos::Matrix::Zero(2, 2), prognos::IntVector::Zero(2));
}
