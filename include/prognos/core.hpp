// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The core module: matrix types, errors, input checks, random numbers, the parallel loop,
/// progress callbacks and the serialization contract.

#include <prognos/core/archive.hpp>
#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/parallel.hpp>
#include <prognos/core/progress.hpp>
#include <prognos/core/random.hpp>
#include <prognos/core/take.hpp>
#include <prognos/core/types.hpp>
#include <prognos/version.hpp>
