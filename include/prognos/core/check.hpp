// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Checks on caller input shared by every estimator, so that all of them word the same
/// problem the same way.

#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace prognos {
namespace detail {

// "row 1 (the 2nd)": indices count from 0 as everywhere in C++, and the ordinal spares a user
// reading a file the off-by-one.
inline std::string row_name(Index i) {
    const Index n = i + 1;
    const char* suffix = (n % 100 >= 11 && n % 100 <= 13) ? "th"
                         : n % 10 == 1                    ? "st"
                         : n % 10 == 2                    ? "nd"
                         : n % 10 == 3                    ? "rd"
                                                          : "th";
    return "row " + std::to_string(i) + " (the " + std::to_string(n) + suffix + ")";
}

inline std::string describe_value(double v) {
    if (std::isnan(v)) {
        return "NaN (missing)";
    }
    if (std::isinf(v)) {
        return v > 0 ? "+infinity" : "-infinity";
    }
    // Shortest form that reads back as the same double, so "-1" is not shown as "-1.000000".
    char buf[32];
    for (int digits = 1; digits <= 17; ++digits) {
        std::snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (std::strtod(buf, nullptr) == v) {
            break;
        }
    }
    return buf;
}

} // namespace detail

/// Throws bad_value naming the first non-finite entry in row order (the row a user would find
/// first reading the file), e.g.
/// "DecisionTreeClassifier::fit: row 1 (the 2nd), feature 1 is NaN (missing); ...".
inline void check_finite(const Matrix& X, const std::string& who) {
    if (X.allFinite()) {
        return;
    }
    for (Index i = 0; i < X.rows(); ++i) {
        for (Index j = 0; j < X.cols(); ++j) {
            const double v = X(i, j);
            if (!std::isfinite(v)) {
                PROGNOS_THROW(bad_value(who + ": " + detail::row_name(i) + ", feature " +
                                            std::to_string(j) + " is " + detail::describe_value(v) +
                                            "; this estimator needs finite values (put a "
                                            "SimpleImputer in front for missing values)",
                                        i,
                                        j));
            }
        }
    }
}

/// Finite check for a single row of `n` values.
inline void check_finite_row(const double* x, Index n, const std::string& who) {
    for (Index j = 0; j < n; ++j) {
        if (!std::isfinite(x[j])) {
            PROGNOS_THROW(bad_value(who + ": feature " + std::to_string(j) + " is " +
                                        detail::describe_value(x[j]) +
                                        "; this estimator needs finite values",
                                    0,
                                    j));
        }
    }
}

/// Training data must have at least one row and one column, and as many targets as rows.
inline void check_training_shape(const Matrix& X, Index n_targets, const std::string& who) {
    if (X.rows() == 0 || X.cols() == 0) {
        PROGNOS_THROW(invalid_argument(who + ": empty training data (" + std::to_string(X.rows()) +
                                       " rows, " + std::to_string(X.cols()) + " columns)"));
    }
    if (n_targets != X.rows()) {
        PROGNOS_THROW(invalid_argument(who + ": X has " + std::to_string(X.rows()) +
                                       " rows but y has " + std::to_string(n_targets) + " values"));
    }
}

/// New data must have exactly the number of features seen at fit time.
inline void check_n_features(Index expected, Index got, const std::string& who) {
    if (expected != got) {
        PROGNOS_THROW(invalid_argument(who + ": expected " + std::to_string(expected) +
                                       " features, got " + std::to_string(got)));
    }
}

/// Throws not_fitted unless `fitted`.
inline void check_fitted(bool fitted, const std::string& who) {
    if (!fitted) {
        PROGNOS_THROW(not_fitted(who + ": call fit() (or load a fitted artifact) first"));
    }
}

} // namespace prognos
