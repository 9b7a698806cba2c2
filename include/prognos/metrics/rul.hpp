// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Scores of remaining-useful-life predictions. The PHM'08 challenge score punishes a late
/// prediction (the engine fails before the predicted time) more than an early one, because a
/// late one means an unplanned failure and an early one only a premature overhaul.

#include <prognos/core/types.hpp>
#include <prognos/metrics/detail/checks.hpp>

#include <cmath>

namespace prognos {

/**
 * PHM'08 challenge score (Saxena et al., "Damage Propagation Modeling for Aircraft Engine
 * Run-to-Failure Simulation", PHM 2008): the sum over units of exp(-d/13) - 1 for an early
 * prediction (d < 0) and exp(d/10) - 1 for a late one (d >= 0), with d = predicted - true RUL.
 * Lower is better; 0 is perfect. It is a sum, not a mean, as published, so it grows with the
 * number of units; compare scores on the same test set only.
 * @throws invalid_argument on empty or mismatched inputs; bad_value on a non-finite entry.
 */
inline double phm08_score(const Vector& rul_true, const Vector& rul_pred) {
    const char* who = "phm08_score";
    detail::check_metric_sizes(rul_true.size(), rul_pred.size(), who, "rul_pred");
    detail::check_metric_finite(rul_true, who, "rul_true");
    detail::check_metric_finite(rul_pred, who, "rul_pred");
    const Vector d = rul_pred - rul_true;
    double score = 0.0;
    for (double e : d) {
        // expm1 keeps small errors exact: exp(0.001/10) - 1 loses digits to cancellation.
        score += e < 0.0 ? std::expm1(-e / 13.0) : std::expm1(e / 10.0);
    }
    return score;
}

} // namespace prognos
