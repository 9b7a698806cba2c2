// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Regression metrics: mean absolute error, mean squared error, its root, and R².
///
/// Inputs must be finite: a NaN target or prediction would turn every mean into NaN or, worse,
/// be skipped by a careless reduction; the first bad index is named instead.

#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>
#include <prognos/metrics/detail/checks.hpp>

#include <cmath>
#include <string>

namespace prognos {

namespace detail {

inline void check_regression_input(const Vector& y_true, const Vector& y_pred, const char* who) {
    check_metric_sizes(y_true.size(), y_pred.size(), who, "y_pred");
    check_metric_finite(y_true, who, "y_true");
    check_metric_finite(y_pred, who, "y_pred");
}

} // namespace detail

/// Mean of |y_true - y_pred|.
/// @throws invalid_argument on empty or mismatched inputs; bad_value on a non-finite entry.
inline double mean_absolute_error(const Vector& y_true, const Vector& y_pred) {
    detail::check_regression_input(y_true, y_pred, "mean_absolute_error");
    return (y_true - y_pred).cwiseAbs().mean();
}

/// Mean of (y_true - y_pred)². Same checks as mean_absolute_error().
inline double mean_squared_error(const Vector& y_true, const Vector& y_pred) {
    detail::check_regression_input(y_true, y_pred, "mean_squared_error");
    return (y_true - y_pred).squaredNorm() / static_cast<double>(y_true.size());
}

/// Square root of mean_squared_error(), in the units of the target.
inline double root_mean_squared_error(const Vector& y_true, const Vector& y_pred) {
    detail::check_regression_input(y_true, y_pred, "root_mean_squared_error");
    return std::sqrt((y_true - y_pred).squaredNorm() / static_cast<double>(y_true.size()));
}

/**
 * Coefficient of determination, 1 - SS_res / SS_tot.
 *
 * A constant y_true has SS_tot = 0 and no R² in the strict sense. As scikit-learn (its
 * force_finite default), the result is then 1.0 for a perfect prediction and 0.0 otherwise.
 * Constancy is decided by comparing the values, not by SS_tot == 0: the mean of values such as
 * 0.1, 0.1, 0.1 need not equal 0.1 in floating point, and a tiny non-zero SS_tot would turn
 * any error into a huge negative score. (scikit-learn 1.2 does exactly that: six times 0.1
 * against a slightly wrong prediction gives about -5e31 there, 0 here.)
 *
 * @throws invalid_argument with fewer than two samples (R² is not defined there; scikit-learn
 *         returns NaN with a warning), or mismatched inputs; bad_value on a non-finite entry.
 */
inline double r2_score(const Vector& y_true, const Vector& y_pred) {
    const char* who = "r2_score";
    detail::check_regression_input(y_true, y_pred, who);
    if (y_true.size() < 2) {
        PROGNOS_THROW(invalid_argument(std::string(who) + ": R^2 needs at least two samples, got " +
                                       std::to_string(y_true.size())));
    }
    const double ss_res = (y_true - y_pred).squaredNorm();
    if (y_true.minCoeff() == y_true.maxCoeff()) {
        return ss_res == 0.0 ? 1.0 : 0.0;
    }
    const double ss_tot = (y_true.array() - y_true.mean()).square().sum();
    return 1.0 - ss_res / ss_tot;
}

} // namespace prognos
