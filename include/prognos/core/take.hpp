// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The rows of a vector or matrix at given indices, as a split or a fold hands them out:
///
///     const auto split = prognos::train_test_split(y, 0.2, 42);
///     prognos::IntVector y_train = prognos::take(y, split.train);
///
/// (A Table has the same operation as Table::take.)

#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace prognos {
namespace detail {

inline void check_rows(const std::vector<std::size_t>& rows, Index n) {
    for (auto r : rows) {
        if (r >= static_cast<std::size_t>(n)) {
            PROGNOS_THROW(invalid_argument("take: row " + std::to_string(r) +
                                           " is out of range for " + std::to_string(n) + " rows"));
        }
    }
}

} // namespace detail

/// The entries of `v` at `rows`, in that order (rows may repeat).
inline IntVector take(const IntVector& v, const std::vector<std::size_t>& rows) {
    detail::check_rows(rows, v.size());
    IntVector out(static_cast<Index>(rows.size()));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        out[static_cast<Index>(i)] = v[static_cast<Index>(rows[i])];
    }
    return out;
}

/// The entries of `v` at `rows`, in that order (rows may repeat).
inline Vector take(const Vector& v, const std::vector<std::size_t>& rows) {
    detail::check_rows(rows, v.size());
    Vector out(static_cast<Index>(rows.size()));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        out[static_cast<Index>(i)] = v[static_cast<Index>(rows[i])];
    }
    return out;
}

/// The rows of `X` at `rows`, in that order (rows may repeat).
inline Matrix take(const Matrix& X, const std::vector<std::size_t>& rows) {
    detail::check_rows(rows, X.rows());
    Matrix out(static_cast<Index>(rows.size()), X.cols());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        out.row(static_cast<Index>(i)) = X.row(static_cast<Index>(rows[i]));
    }
    return out;
}

} // namespace prognos
