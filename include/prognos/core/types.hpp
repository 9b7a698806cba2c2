// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The matrix and vector types every estimator takes.
///
/// Samples are rows and features are columns, as in scikit-learn. The storage is Eigen's
/// default column-major order because fitting reads one feature across many rows far more
/// often than one row across features; single-row prediction takes a plain pointer instead.

#include <Eigen/Core>

#include <cstddef>
#include <cstdint>

namespace prognos {

/// Feature matrix: one row per sample, one column per feature.
using Matrix = Eigen::MatrixXd;
/// Real-valued vector: regression targets, per-feature statistics.
using Vector = Eigen::VectorXd;
/// Class labels. Any integers may serve as labels; classifiers keep them sorted as classes().
using IntVector = Eigen::VectorXi;
/// Row and column counts and indices.
using Index = Eigen::Index;

} // namespace prognos
