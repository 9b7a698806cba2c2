// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The model_selection module: train/test splits (plain and stratified) and K-fold
/// cross-validation splitters, all returning row indices.

#include <prognos/model_selection/kfold.hpp>
#include <prognos/model_selection/train_test_split.hpp>
