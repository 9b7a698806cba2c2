// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Exact (Clopper–Pearson) confidence intervals for proportions, and for the recall, precision
/// and accuracy of a classifier, which are proportions of counted cases.
///
/// Failures are rare, so these counts are small: a recall of 18 of 20 failures has a 95%
/// interval from 0.68 to 0.99, and a figure without it suggests a precision the data do not
/// hold. The exact interval inverts two one-sided binomial tests; its bounds are quantiles of
/// beta distributions, taken from Boost.Math. It is conservative (coverage at least the stated
/// level), which is the honest side to err on for a safety argument.

#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>
#include <prognos/metrics/classification.hpp>

#include <boost/math/distributions/beta.hpp>

#include <limits>
#include <string>

namespace prognos {

/// A proportion k / n with its two-sided confidence interval.
struct ProportionInterval {
    double estimate = 0.0; ///< k / n (NaN when n = 0)
    double lower = 0.0;    ///< lower bound; 0 when k = 0
    double upper = 1.0;    ///< upper bound; 1 when k = n
    Index successes = 0;   ///< k
    Index trials = 0;      ///< n
};

/**
 * Clopper–Pearson interval for k successes in n trials: lower = Beta(k, n-k+1) quantile at
 * (1-confidence)/2, upper = Beta(k+1, n-k) quantile at (1+confidence)/2. With n = 0 nothing is
 * known: the interval is [0, 1] and the estimate NaN.
 * @throws invalid_argument unless 0 <= k <= n and 0 < confidence < 1
 */
inline ProportionInterval clopper_pearson(Index k, Index n, double confidence = 0.95) {
    if (k < 0 || n < 0 || k > n) {
        PROGNOS_THROW(invalid_argument("clopper_pearson: need 0 <= k <= n, got k = " +
                                       std::to_string(k) + ", n = " + std::to_string(n)));
    }
    if (!(confidence > 0.0 && confidence < 1.0)) {
        PROGNOS_THROW(invalid_argument("clopper_pearson: confidence must lie in (0, 1), got " +
                                       std::to_string(confidence)));
    }
    ProportionInterval out;
    out.successes = k;
    out.trials = n;
    if (n == 0) {
        out.estimate = std::numeric_limits<double>::quiet_NaN();
        return out;
    }
    const double alpha = 1.0 - confidence;
    const auto dk = static_cast<double>(k), dn = static_cast<double>(n);
    out.estimate = dk / dn;
    if (k > 0) {
        out.lower = boost::math::quantile(boost::math::beta_distribution<double>(dk, dn - dk + 1),
                                          alpha / 2.0);
    }
    if (k < n) {
        out.upper = boost::math::quantile(boost::math::beta_distribution<double>(dk + 1, dn - dk),
                                          1.0 - alpha / 2.0);
    }
    return out;
}

/// Recall of `positive_label` (TP out of actual positives) with its exact interval. With no
/// actual positive (a test period without failures, the usual case for rare faults) nothing is
/// known about recall: the result is clopper_pearson(0, 0), estimate NaN and interval [0, 1],
/// rather than an error, so a report over many periods does not stop at a quiet one. This holds
/// also when `positive_label` occurs in neither y_true nor y_pred.
/// @throws invalid_argument for empty or mismatched inputs or confidence not in (0, 1)
inline ProportionInterval recall_interval(const IntVector& y_true,
                                          const IntVector& y_pred,
                                          int positive_label = 1,
                                          double confidence = 0.95) {
    detail::check_metric_sizes(y_true.size(), y_pred.size(), "recall_interval", "y_pred");
    const auto c = detail::count_labels(y_true, y_pred, {positive_label}, "recall_interval");
    return clopper_pearson(c.tp[0], c.actual[0], confidence);
}

/// Precision of `positive_label` (TP out of predicted positives) with its exact interval. With
/// no predicted positive the result is clopper_pearson(0, 0): estimate NaN, interval [0, 1]
/// (also when `positive_label` occurs in neither input).
/// @throws invalid_argument for empty or mismatched inputs or confidence not in (0, 1)
inline ProportionInterval precision_interval(const IntVector& y_true,
                                             const IntVector& y_pred,
                                             int positive_label = 1,
                                             double confidence = 0.95) {
    detail::check_metric_sizes(y_true.size(), y_pred.size(), "precision_interval", "y_pred");
    const auto c = detail::count_labels(y_true, y_pred, {positive_label}, "precision_interval");
    return clopper_pearson(c.tp[0], c.predicted[0], confidence);
}

/// Accuracy (correct out of all) with its exact interval.
inline ProportionInterval
accuracy_interval(const IntVector& y_true, const IntVector& y_pred, double confidence = 0.95) {
    detail::check_metric_sizes(y_true.size(), y_pred.size(), "accuracy_interval", "y_pred");
    const Index correct = (y_true.array() == y_pred.array()).count();
    return clopper_pearson(correct, y_true.size(), confidence);
}

} // namespace prognos
