// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Everything in prognos, for programs that prefer one include. prognos' own headers never
/// include this file; each includes only what it uses.

#include <prognos/core.hpp>
#include <prognos/data.hpp>
#include <prognos/ensemble.hpp>
#include <prognos/io.hpp>
#include <prognos/metrics.hpp>
#include <prognos/model_selection.hpp>
#include <prognos/neural.hpp>
#include <prognos/pdm.hpp>
#include <prognos/pipeline.hpp>
#include <prognos/preprocessing.hpp>
#include <prognos/svm.hpp>
#include <prognos/tree.hpp>
