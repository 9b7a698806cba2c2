// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The metrics module: classification (accuracy, confusion matrix, precision, recall, F1),
/// ranking (ROC AUC, average precision and their curves) and regression (MAE, MSE, RMSE, R²)
/// scores, the PHM'08 RUL score, and exact (Clopper-Pearson) intervals for proportions, as free
/// functions of true and predicted values.

#include <prognos/metrics/classification.hpp>
#include <prognos/metrics/intervals.hpp>
#include <prognos/metrics/ranking.hpp>
#include <prognos/metrics/regression.hpp>
#include <prognos/metrics/rul.hpp>
