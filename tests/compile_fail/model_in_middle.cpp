// SPDX-License-Identifier: Apache-2.0
// Must NOT compile: a model may only be the last step of a pipeline.
#include <prognos/pipeline/pipeline.hpp>

#include "pipeline/mock_steps.hpp"

int main() {
    prognos::Pipeline<mock::SignModel, mock::SignModel> p;
    (void)p;
}
