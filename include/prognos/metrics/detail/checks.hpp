// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Input checks shared by the metric functions, so that every metric words a size mismatch,
/// an empty input or a NaN score the same way. Internal: not part of the public API.

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>

#include <cmath>
#include <string>

namespace prognos {
namespace detail {

/// Both inputs must be non-empty and of equal length.
inline void check_metric_sizes(Index n_true, Index n_other, const char* who, const char* other) {
    if (n_true == 0) {
        PROGNOS_THROW(invalid_argument(std::string(who) +
                                       ": y_true is empty; a metric needs at least one sample"));
    }
    if (n_true != n_other) {
        PROGNOS_THROW(invalid_argument(std::string(who) + ": y_true has " + std::to_string(n_true) +
                                       " values but " + other + " has " + std::to_string(n_other)));
    }
}

/// Every entry must be finite. NaN or infinity would otherwise sort or sum into a number that
/// looks like a valid score, so the first offending index is named instead.
inline void check_metric_finite(const Vector& v, const char* who, const char* name) {
    if (v.allFinite()) {
        return;
    }
    for (Index i = 0; i < v.size(); ++i) {
        if (!std::isfinite(v[i])) {
            PROGNOS_THROW(bad_value(std::string(who) + ": " + name + "[" + std::to_string(i) +
                                        "] is " + describe_value(v[i]) +
                                        "; metrics need finite values",
                                    i,
                                    0));
        }
    }
}

/// zero_division must be 0, 1 or NaN, the values scikit-learn accepts.
inline void check_zero_division(double zero_division, const char* who) {
    if (!(zero_division == 0.0 || zero_division == 1.0 || std::isnan(zero_division))) {
        PROGNOS_THROW(invalid_argument(std::string(who) +
                                       ": zero_division must be 0, 1 or NaN, got " +
                                       std::to_string(zero_division)));
    }
}

/// numerator / denominator, or zero_division when the denominator is zero.
inline double divide_or(double numerator, double denominator, double zero_division) {
    return denominator == 0.0 ? zero_division : numerator / denominator;
}

} // namespace detail
} // namespace prognos
