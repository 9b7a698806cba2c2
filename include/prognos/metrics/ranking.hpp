// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Binary ranking metrics on continuous scores: ROC AUC, average precision (the area under the
/// precision-recall curve) and the two curves themselves.
///
/// Undefined cases throw instead of returning a number. ROC AUC needs at least one positive and
/// one negative sample; a fold where no machine failed would otherwise come back as 0.5, 0 or
/// 1 and pass unnoticed through an evaluation loop, so prognos throws invalid_argument naming
/// the single class present. Average precision needs at least one positive sample (with only
/// positives it is 1, a real value). A y_true with more than two classes is rejected: these
/// metrics are binary, and one-vs-rest is the caller's explicit choice.
///
/// Labels given as strings ("ok"/"fail") have no natural positive class, so the string
/// overloads take the positive label with no default; calling them without one does not
/// compile (the two-argument forms are deleted).
///
/// Scores that are NaN or infinite throw bad_value naming the index: NaN has no place in an
/// ordering and would silently move the AUC.

#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>
#include <prognos/metrics/detail/checks.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

namespace prognos {

/// A ROC curve: point k is (fpr[k], tpr[k]) for the rule "positive if score >= thresholds[k]".
/// thresholds[0] is +infinity (nothing predicted positive, the point (0, 0)); the others are
/// the distinct scores in decreasing order. Every threshold is kept, as scikit-learn's
/// roc_curve with drop_intermediate=false; scikit-learn 1.2 writes max(score) + 1 instead of
/// +infinity in the first place (1.3 changed to infinity).
struct RocCurve {
    Vector fpr;
    Vector tpr;
    Vector thresholds;
};

/// A precision-recall curve as scikit-learn 1.2 returns it: thresholds are the distinct scores
/// in increasing order, precision[k] and recall[k] belong to "positive if score >=
/// thresholds[k]", and a last point (precision 1, recall 0) with no threshold closes the curve.
struct PrecisionRecallCurve {
    Vector precision;
    Vector recall;
    Vector thresholds;
};

namespace detail {

/// y_true reduced to positive / negative, validated for a binary ranking metric.
struct BinaryTarget {
    std::vector<unsigned char> positive;
    Index n_positive = 0;
    Index n_negative = 0;
};

/// Validates the classes present. `names` are the sorted distinct labels as text.
inline void check_binary_classes(const std::vector<std::string>& names,
                                 bool positive_present,
                                 const std::string& positive_name,
                                 bool need_negative,
                                 const char* who) {
    std::string listed;
    for (const auto& name : names) {
        listed += (listed.empty() ? "" : ", ") + name;
    }
    if (names.size() > 2) {
        PROGNOS_THROW(invalid_argument(std::string(who) + ": y_true holds " +
                                       std::to_string(names.size()) + " classes (" + listed +
                                       "); this metric is binary (compute it one-vs-rest for "
                                       "each class if that is what you need)"));
    }
    if (need_negative && names.size() == 1) {
        PROGNOS_THROW(invalid_argument(std::string(who) + ": y_true holds only one class (" +
                                       listed +
                                       "); ROC AUC is undefined unless both a positive and a "
                                       "negative sample are present (a fold with no failures "
                                       "has no ROC AUC)"));
    }
    if (!positive_present) {
        PROGNOS_THROW(invalid_argument(std::string(who) + ": positive_label " + positive_name +
                                       " does not occur in y_true (classes present: " + listed +
                                       "); the score is undefined without positive samples"));
    }
}

inline BinaryTarget binary_target(const IntVector& y_true,
                                  const Vector& score,
                                  int positive_label,
                                  bool need_negative,
                                  const char* who) {
    check_metric_sizes(y_true.size(), score.size(), who, "y_score");
    check_metric_finite(score, who, "y_score");
    std::vector<int> labels(y_true.data(), y_true.data() + y_true.size());
    std::sort(labels.begin(), labels.end());
    labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
    std::vector<std::string> names;
    for (int label : labels) {
        names.push_back(std::to_string(label));
    }
    const bool present = std::binary_search(labels.begin(), labels.end(), positive_label);
    check_binary_classes(names, present, std::to_string(positive_label), need_negative, who);

    BinaryTarget t;
    t.positive.resize(static_cast<std::size_t>(y_true.size()));
    for (Index i = 0; i < y_true.size(); ++i) {
        t.positive[static_cast<std::size_t>(i)] = y_true[i] == positive_label;
    }
    t.n_positive = static_cast<Index>(std::count(t.positive.begin(), t.positive.end(), 1));
    t.n_negative = y_true.size() - t.n_positive;
    return t;
}

inline BinaryTarget binary_target(const std::vector<std::string>& y_true,
                                  const Vector& score,
                                  const std::string& positive_label,
                                  bool need_negative,
                                  const char* who) {
    check_metric_sizes(static_cast<Index>(y_true.size()), score.size(), who, "y_score");
    check_metric_finite(score, who, "y_score");
    std::vector<std::string> labels(y_true);
    std::sort(labels.begin(), labels.end());
    labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
    const bool present = std::binary_search(labels.begin(), labels.end(), positive_label);
    for (auto& label : labels) {
        label = "'" + label + "'";
    }
    check_binary_classes(labels, present, "'" + positive_label + "'", need_negative, who);

    BinaryTarget t;
    t.positive.resize(y_true.size());
    for (std::size_t i = 0; i < y_true.size(); ++i) {
        t.positive[i] = y_true[i] == positive_label;
    }
    t.n_positive = static_cast<Index>(std::count(t.positive.begin(), t.positive.end(), 1));
    t.n_negative = static_cast<Index>(y_true.size()) - t.n_positive;
    return t;
}

/// Cumulative counts at each distinct score, from the highest score down: tps[k] and fps[k]
/// are the positives and negatives with score >= thresholds[k].
struct ThresholdCounts {
    std::vector<double> thresholds;
    std::vector<Index> tps;
    std::vector<Index> fps;
};

inline ThresholdCounts threshold_counts(const BinaryTarget& t, const Vector& score) {
    std::vector<Index> order(static_cast<std::size_t>(score.size()));
    std::iota(order.begin(), order.end(), Index{0});
    std::sort(order.begin(), order.end(), [&](Index a, Index b) { return score[a] > score[b]; });
    ThresholdCounts c;
    Index tp = 0, fp = 0;
    for (std::size_t k = 0; k < order.size(); ++k) {
        const Index i = order[k];
        (t.positive[static_cast<std::size_t>(i)] ? tp : fp) += 1;
        // Tied scores form one threshold: close the group only where the score changes.
        if (k + 1 == order.size() || score[order[k + 1]] != score[i]) {
            c.thresholds.push_back(score[i]);
            c.tps.push_back(tp);
            c.fps.push_back(fp);
        }
    }
    return c;
}

/// ROC AUC as the Mann-Whitney statistic: the share of (positive, negative) pairs ranked
/// correctly, a tie counting one half (the average-rank convention). Counted in integers as
/// twice the statistic, so the result is exact up to the one final division.
inline double mann_whitney_auc(const BinaryTarget& t, const Vector& score) {
    const ThresholdCounts c = threshold_counts(t, score);
    std::uint64_t twice_u = 0;
    Index tp_before = 0, fp_before = 0;
    for (std::size_t k = 0; k < c.thresholds.size(); ++k) {
        const auto pos = static_cast<std::uint64_t>(c.tps[k] - tp_before);
        const auto neg = static_cast<std::uint64_t>(c.fps[k] - fp_before);
        const auto neg_below = static_cast<std::uint64_t>(t.n_negative - c.fps[k]);
        twice_u += 2 * pos * neg_below + pos * neg;
        tp_before = c.tps[k];
        fp_before = c.fps[k];
    }
    return static_cast<double>(twice_u) /
           (2.0 * static_cast<double>(t.n_positive) * static_cast<double>(t.n_negative));
}

/// Step-wise area under the precision-recall curve, sum of (R_k - R_{k-1}) * P_k from the
/// highest threshold down, without interpolation (scikit-learn's average_precision_score).
inline double average_precision_of(const BinaryTarget& t, const Vector& score) {
    const ThresholdCounts c = threshold_counts(t, score);
    double ap = 0.0;
    Index tp_before = 0;
    for (std::size_t k = 0; k < c.thresholds.size(); ++k) {
        const auto tp = static_cast<double>(c.tps[k]);
        const double precision = tp / static_cast<double>(c.tps[k] + c.fps[k]);
        ap += static_cast<double>(c.tps[k] - tp_before) / static_cast<double>(t.n_positive) *
              precision;
        tp_before = c.tps[k];
    }
    return ap;
}

inline RocCurve roc_curve_of(const BinaryTarget& t, const Vector& score) {
    const ThresholdCounts c = threshold_counts(t, score);
    const auto n = static_cast<Index>(c.thresholds.size()) + 1;
    RocCurve r{Vector(n), Vector(n), Vector(n)};
    r.fpr[0] = 0.0;
    r.tpr[0] = 0.0;
    r.thresholds[0] = std::numeric_limits<double>::infinity();
    for (Index k = 1; k < n; ++k) {
        const auto j = static_cast<std::size_t>(k - 1);
        r.fpr[k] = static_cast<double>(c.fps[j]) / static_cast<double>(t.n_negative);
        r.tpr[k] = static_cast<double>(c.tps[j]) / static_cast<double>(t.n_positive);
        r.thresholds[k] = c.thresholds[j];
    }
    return r;
}

inline PrecisionRecallCurve precision_recall_curve_of(const BinaryTarget& t, const Vector& score) {
    const ThresholdCounts c = threshold_counts(t, score);
    const auto m = static_cast<Index>(c.thresholds.size());
    PrecisionRecallCurve r{Vector(m + 1), Vector(m + 1), Vector(m)};
    for (Index k = 0; k < m; ++k) {
        // Increasing thresholds are the counts read from the lowest score up.
        const auto j = static_cast<std::size_t>(m - 1 - k);
        r.precision[k] = static_cast<double>(c.tps[j]) / static_cast<double>(c.tps[j] + c.fps[j]);
        r.recall[k] = static_cast<double>(c.tps[j]) / static_cast<double>(t.n_positive);
        r.thresholds[k] = c.thresholds[j];
    }
    r.precision[m] = 1.0;
    r.recall[m] = 0.0;
    return r;
}

} // namespace detail

/**
 * Area under the ROC curve of a binary problem, computed as the Mann-Whitney statistic with
 * ties counted one half. Equals the trapezoidal area under roc_curve().
 * @param y_true labels, exactly two distinct values.
 * @param y_score higher means more likely positive; finite.
 * @param positive_label the label of the positive class.
 * @throws invalid_argument on empty or mismatched inputs, a single class present (the message
 *         names it), more than two classes, or a positive_label absent from y_true.
 * @throws bad_value if a score is NaN or infinite (the message names the index).
 */
inline double roc_auc(const IntVector& y_true, const Vector& y_score, int positive_label = 1) {
    const auto t = detail::binary_target(y_true, y_score, positive_label, true, "roc_auc");
    return detail::mann_whitney_auc(t, y_score);
}

/// roc_auc for string labels; the positive label must be given.
inline double roc_auc(const std::vector<std::string>& y_true,
                      const Vector& y_score,
                      const std::string& positive_label) {
    const auto t = detail::binary_target(y_true, y_score, positive_label, true, "roc_auc");
    return detail::mann_whitney_auc(t, y_score);
}

/// String labels have no default positive class: pass it, e.g. roc_auc(y, score, "fail").
double roc_auc(const std::vector<std::string>& y_true, const Vector& y_score) = delete;

/// A number is no positive label for string labels (and a literal 0 would otherwise convert to
/// a null std::string).
double roc_auc(const std::vector<std::string>& y_true, const Vector& y_score, int) = delete;

/**
 * Average precision: the step-wise area under the precision-recall curve, sum over thresholds
 * of (R_k - R_{k-1}) P_k, with no interpolation (scikit-learn's average_precision_score).
 * @throws invalid_argument on empty or mismatched inputs, more than two classes, or no
 *         sample of positive_label in y_true.
 * @throws bad_value if a score is NaN or infinite.
 */
inline double
average_precision(const IntVector& y_true, const Vector& y_score, int positive_label = 1) {
    const auto t =
        detail::binary_target(y_true, y_score, positive_label, false, "average_precision");
    return detail::average_precision_of(t, y_score);
}

/// average_precision for string labels; the positive label must be given.
inline double average_precision(const std::vector<std::string>& y_true,
                                const Vector& y_score,
                                const std::string& positive_label) {
    const auto t =
        detail::binary_target(y_true, y_score, positive_label, false, "average_precision");
    return detail::average_precision_of(t, y_score);
}

/// String labels have no default positive class: pass it.
double average_precision(const std::vector<std::string>& y_true, const Vector& y_score) = delete;

/// A number is no positive label for string labels.
double
average_precision(const std::vector<std::string>& y_true, const Vector& y_score, int) = delete;

/// The ROC curve at every distinct score. Same requirements as roc_auc().
inline RocCurve roc_curve(const IntVector& y_true, const Vector& y_score, int positive_label = 1) {
    const auto t = detail::binary_target(y_true, y_score, positive_label, true, "roc_curve");
    return detail::roc_curve_of(t, y_score);
}

/// roc_curve for string labels; the positive label must be given.
inline RocCurve roc_curve(const std::vector<std::string>& y_true,
                          const Vector& y_score,
                          const std::string& positive_label) {
    const auto t = detail::binary_target(y_true, y_score, positive_label, true, "roc_curve");
    return detail::roc_curve_of(t, y_score);
}

/// The precision-recall curve at every distinct score. Same requirements as
/// average_precision().
inline PrecisionRecallCurve
precision_recall_curve(const IntVector& y_true, const Vector& y_score, int positive_label = 1) {
    const auto t =
        detail::binary_target(y_true, y_score, positive_label, false, "precision_recall_curve");
    return detail::precision_recall_curve_of(t, y_score);
}

/// precision_recall_curve for string labels; the positive label must be given.
inline PrecisionRecallCurve precision_recall_curve(const std::vector<std::string>& y_true,
                                                   const Vector& y_score,
                                                   const std::string& positive_label) {
    const auto t =
        detail::binary_target(y_true, y_score, positive_label, false, "precision_recall_curve");
    return detail::precision_recall_curve_of(t, y_score);
}

/// scikit-learn's name for roc_auc().
inline double
roc_auc_score(const IntVector& y_true, const Vector& y_score, int positive_label = 1) {
    return roc_auc(y_true, y_score, positive_label);
}

/// scikit-learn's name for average_precision().
inline double
average_precision_score(const IntVector& y_true, const Vector& y_score, int positive_label = 1) {
    return average_precision(y_true, y_score, positive_label);
}

} // namespace prognos
