// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The model_selection module: train/test splits (plain and stratified), K-fold, group K-fold
/// and time-series splitters returning row indices, and cross-validation and grid search over
/// any estimator or pipeline.

#include <prognos/model_selection/cross_validate.hpp>
#include <prognos/model_selection/group_kfold.hpp>
#include <prognos/model_selection/kfold.hpp>
#include <prognos/model_selection/train_test_split.hpp>
