// SPDX-License-Identifier: Apache-2.0
// Must NOT compile: a pipeline must end in a model, not a transformer.
#include <prognos/pipeline/pipeline.hpp>

#include "pipeline/mock_steps.hpp"

int main() {
    prognos::Pipeline<mock::Center> p;
    (void)p;
}
