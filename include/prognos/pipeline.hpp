// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The pipeline module: typed composition of transformers and a model.

#include <prognos/pipeline/pipeline.hpp>
