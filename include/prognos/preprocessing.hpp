// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The preprocessing module: transformers fitted on training data and applied to new data,
/// each usable alone or as a pipeline step. Table-to-Table steps (SimpleImputer,
/// ColumnSelector, DerivedColumns) keep names and types; OneHotEncoder turns a Table into a Matrix;
/// the scalers work on Matrices.

#include <prognos/preprocessing/column_selector.hpp>
#include <prognos/preprocessing/derived_columns.hpp>
#include <prognos/preprocessing/min_max_scaler.hpp>
#include <prognos/preprocessing/one_hot_encoder.hpp>
#include <prognos/preprocessing/simple_imputer.hpp>
#include <prognos/preprocessing/standard_scaler.hpp>
