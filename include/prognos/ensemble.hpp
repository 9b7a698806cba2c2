// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The ensemble module: random forests for classification and regression.

#include <prognos/ensemble/isolation_forest.hpp>
#include <prognos/ensemble/random_forest.hpp>
