// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Classification metrics on integer labels: accuracy, the confusion matrix, and per-class
/// precision, recall and F1 with their macro and weighted averages.
///
/// They are free functions of (y_true, y_pred), as in scikit-learn, so that they serve any
/// classifier and any cross-validation loop without knowing either.
///
/// Zero division. Precision is undefined for a class that is never predicted, recall for a
/// class that never occurs. scikit-learn then uses 0 and prints a warning; prognos never prints,
/// so the value is chosen by the caller through `zero_division` (0, 1 or NaN, default 0 as in
/// scikit-learn). Pass NaN to make an undefined score impossible to mistake for a real one.
/// F1 follows scikit-learn 1.2: 2PR/(P+R) from the resolved P and R, and 0 when P+R is 0.

#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>
#include <prognos/metrics/detail/checks.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace prognos {

/// Counts of a confusion matrix: entry (i, j) is the number of samples whose true label is
/// labels[i] and whose predicted label is labels[j].
using ConfusionMatrix = Eigen::Matrix<Index, Eigen::Dynamic, Eigen::Dynamic>;

/// The scores of one class in a ClassificationReport.
struct ClassScores {
    int label = 0;          ///< The class label.
    double precision = 0.0; ///< Of the samples predicted as this class, the share that are.
    double recall = 0.0;    ///< Of the samples of this class, the share predicted as it.
    double f1 = 0.0;        ///< Harmonic mean of precision and recall.
    Index support = 0;      ///< Number of samples of this class in y_true.
};

/// An average of ClassScores over the classes of a report.
struct AverageScores {
    double precision = 0.0;
    double recall = 0.0;
    double f1 = 0.0;
    Index support = 0; ///< Total support of the classes averaged.
};

/// Per-class scores plus their averages, as scikit-learn's classification_report.
struct ClassificationReport {
    std::vector<ClassScores> classes; ///< One row per label, in label order.
    AverageScores macro_avg;          ///< Unweighted mean over the classes.
    AverageScores weighted_avg;       ///< Mean weighted by each class's support.
    double accuracy = 0.0;            ///< Share of all samples predicted correctly.
};

/// Share of samples whose predicted label equals the true label.
/// @throws invalid_argument if the inputs are empty or differ in length.
inline double accuracy(const IntVector& y_true, const IntVector& y_pred) {
    detail::check_metric_sizes(y_true.size(), y_pred.size(), "accuracy", "y_pred");
    return static_cast<double>((y_true.array() == y_pred.array()).count()) /
           static_cast<double>(y_true.size());
}

/// The sorted union of the labels in y_true and y_pred.
inline std::vector<int> unique_labels(const IntVector& y_true, const IntVector& y_pred) {
    std::vector<int> labels(y_true.data(), y_true.data() + y_true.size());
    labels.insert(labels.end(), y_pred.data(), y_pred.data() + y_pred.size());
    std::sort(labels.begin(), labels.end());
    labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
    return labels;
}

namespace detail {

/// Position of each label in `labels`; rejects an empty or repeated list.
inline std::unordered_map<int, Index> label_positions(const std::vector<int>& labels,
                                                      const char* who) {
    if (labels.empty()) {
        PROGNOS_THROW(invalid_argument(std::string(who) + ": labels is empty"));
    }
    std::unordered_map<int, Index> position;
    for (std::size_t k = 0; k < labels.size(); ++k) {
        if (!position.emplace(labels[k], static_cast<Index>(k)).second) {
            PROGNOS_THROW(invalid_argument(std::string(who) + ": label " +
                                           std::to_string(labels[k]) + " is listed twice"));
        }
    }
    return position;
}

/// Per-label true positives, predicted counts and true counts over all samples. Samples whose
/// label is outside `labels` still count against the labels they meet (a prediction of a
/// listed label for an unlisted true label is a false positive), as in scikit-learn.
struct LabelCounts {
    std::vector<Index> tp, predicted, actual;
};

inline LabelCounts count_labels(const IntVector& y_true,
                                const IntVector& y_pred,
                                const std::vector<int>& labels,
                                const char* who) {
    const auto position = label_positions(labels, who);
    LabelCounts c{std::vector<Index>(labels.size(), 0),
                  std::vector<Index>(labels.size(), 0),
                  std::vector<Index>(labels.size(), 0)};
    for (Index i = 0; i < y_true.size(); ++i) {
        const auto t = position.find(y_true[i]);
        const auto p = position.find(y_pred[i]);
        if (t != position.end()) {
            ++c.actual[static_cast<std::size_t>(t->second)];
        }
        if (p != position.end()) {
            ++c.predicted[static_cast<std::size_t>(p->second)];
        }
        if (t != position.end() && y_true[i] == y_pred[i]) {
            ++c.tp[static_cast<std::size_t>(t->second)];
        }
    }
    return c;
}

inline double f1_from(double precision, double recall) {
    const double sum = precision + recall;
    return sum == 0.0 ? 0.0 : 2.0 * precision * recall / sum;
}

/// One-class score: checks the inputs and that the positive label occurs at all, because a
/// positive label that is neither true nor predicted anywhere is almost always a wrong label
/// (1 given for data coded 0/2), and would otherwise return a plausible 0.
inline LabelCounts one_class_counts(const IntVector& y_true,
                                    const IntVector& y_pred,
                                    int positive_label,
                                    double zero_division,
                                    const char* who) {
    check_metric_sizes(y_true.size(), y_pred.size(), who, "y_pred");
    check_zero_division(zero_division, who);
    const auto c = count_labels(y_true, y_pred, {positive_label}, who);
    if (c.actual[0] == 0 && c.predicted[0] == 0) {
        std::string present;
        for (int label : unique_labels(y_true, y_pred)) {
            present += (present.empty() ? "" : ", ") + std::to_string(label);
        }
        PROGNOS_THROW(invalid_argument(
            std::string(who) + ": positive_label " + std::to_string(positive_label) +
            " occurs in neither y_true nor y_pred (labels present: " + present + ")"));
    }
    return c;
}

} // namespace detail

/**
 * Confusion matrix over the given labels: rows are true labels, columns predicted labels, both
 * in the order of `labels`. Samples whose true or predicted label is not listed are not
 * counted (so a sub-list of labels gives a sub-matrix), as in scikit-learn.
 * @throws invalid_argument on empty or mismatched inputs, or an empty or repeated label list.
 */
inline ConfusionMatrix
confusion_matrix(const IntVector& y_true, const IntVector& y_pred, const std::vector<int>& labels) {
    detail::check_metric_sizes(y_true.size(), y_pred.size(), "confusion_matrix", "y_pred");
    const auto position = detail::label_positions(labels, "confusion_matrix");
    const auto k = static_cast<Index>(labels.size());
    ConfusionMatrix counts = ConfusionMatrix::Zero(k, k);
    for (Index i = 0; i < y_true.size(); ++i) {
        const auto t = position.find(y_true[i]);
        const auto p = position.find(y_pred[i]);
        if (t != position.end() && p != position.end()) {
            ++counts(t->second, p->second);
        }
    }
    return counts;
}

/// Confusion matrix over the sorted union of the labels in y_true and y_pred.
inline ConfusionMatrix confusion_matrix(const IntVector& y_true, const IntVector& y_pred) {
    detail::check_metric_sizes(y_true.size(), y_pred.size(), "confusion_matrix", "y_pred");
    return confusion_matrix(y_true, y_pred, unique_labels(y_true, y_pred));
}

/**
 * Per-class precision, recall, F1 and support for the listed labels, their macro and
 * support-weighted averages, and the accuracy over all samples.
 * @param zero_division value of a precision or recall whose denominator is zero: 0, 1 or NaN.
 * @throws invalid_argument on empty or mismatched inputs, a bad label list or zero_division.
 */
inline ClassificationReport classification_report(const IntVector& y_true,
                                                  const IntVector& y_pred,
                                                  const std::vector<int>& labels,
                                                  double zero_division = 0.0) {
    const char* who = "classification_report";
    detail::check_metric_sizes(y_true.size(), y_pred.size(), who, "y_pred");
    detail::check_zero_division(zero_division, who);
    const auto c = detail::count_labels(y_true, y_pred, labels, who);

    ClassificationReport report;
    report.accuracy = accuracy(y_true, y_pred);
    for (std::size_t k = 0; k < labels.size(); ++k) {
        ClassScores s;
        s.label = labels[k];
        const auto tp = static_cast<double>(c.tp[k]);
        s.precision = detail::divide_or(tp, static_cast<double>(c.predicted[k]), zero_division);
        s.recall = detail::divide_or(tp, static_cast<double>(c.actual[k]), zero_division);
        s.f1 = detail::f1_from(s.precision, s.recall);
        s.support = c.actual[k];
        report.classes.push_back(s);
    }

    // Averages: the macro mean treats every class alike, the weighted one every sample alike.
    AverageScores& m = report.macro_avg;
    AverageScores& w = report.weighted_avg;
    for (const auto& s : report.classes) {
        m.precision += s.precision;
        m.recall += s.recall;
        m.f1 += s.f1;
        w.precision += s.precision * static_cast<double>(s.support);
        w.recall += s.recall * static_cast<double>(s.support);
        w.f1 += s.f1 * static_cast<double>(s.support);
        m.support += s.support;
    }
    const auto k = static_cast<double>(labels.size());
    m.precision /= k;
    m.recall /= k;
    m.f1 /= k;
    w.support = m.support;
    const auto total = static_cast<double>(w.support);
    w.precision = detail::divide_or(w.precision, total, zero_division);
    w.recall = detail::divide_or(w.recall, total, zero_division);
    w.f1 = detail::divide_or(w.f1, total, zero_division);
    return report;
}

/// classification_report over the sorted union of the labels in y_true and y_pred.
inline ClassificationReport classification_report(const IntVector& y_true,
                                                  const IntVector& y_pred,
                                                  double zero_division = 0.0) {
    detail::check_metric_sizes(y_true.size(), y_pred.size(), "classification_report", "y_pred");
    return classification_report(y_true, y_pred, unique_labels(y_true, y_pred), zero_division);
}

/**
 * Precision of one class (one-vs-rest): TP / (TP + FP).
 * @throws invalid_argument on empty or mismatched inputs, a bad zero_division, or a
 *         positive_label that occurs in neither y_true nor y_pred.
 */
inline double precision(const IntVector& y_true,
                        const IntVector& y_pred,
                        int positive_label = 1,
                        double zero_division = 0.0) {
    const auto c =
        detail::one_class_counts(y_true, y_pred, positive_label, zero_division, "precision");
    return detail::divide_or(
        static_cast<double>(c.tp[0]), static_cast<double>(c.predicted[0]), zero_division);
}

/// Recall of one class (one-vs-rest): TP / (TP + FN). Same checks as precision().
inline double recall(const IntVector& y_true,
                     const IntVector& y_pred,
                     int positive_label = 1,
                     double zero_division = 0.0) {
    const auto c =
        detail::one_class_counts(y_true, y_pred, positive_label, zero_division, "recall");
    return detail::divide_or(
        static_cast<double>(c.tp[0]), static_cast<double>(c.actual[0]), zero_division);
}

/// F1 of one class (one-vs-rest), from precision and recall. Same checks as precision().
inline double f1(const IntVector& y_true,
                 const IntVector& y_pred,
                 int positive_label = 1,
                 double zero_division = 0.0) {
    const auto c = detail::one_class_counts(y_true, y_pred, positive_label, zero_division, "f1");
    const auto tp = static_cast<double>(c.tp[0]);
    return detail::f1_from(
        detail::divide_or(tp, static_cast<double>(c.predicted[0]), zero_division),
        detail::divide_or(tp, static_cast<double>(c.actual[0]), zero_division));
}

// scikit-learn's names for the same functions, so code and habits carry over unchanged.

/// Same as accuracy().
inline double accuracy_score(const IntVector& y_true, const IntVector& y_pred) {
    return accuracy(y_true, y_pred);
}

/// Same as precision().
inline double precision_score(const IntVector& y_true,
                              const IntVector& y_pred,
                              int positive_label = 1,
                              double zero_division = 0.0) {
    return precision(y_true, y_pred, positive_label, zero_division);
}

/// Same as recall().
inline double recall_score(const IntVector& y_true,
                           const IntVector& y_pred,
                           int positive_label = 1,
                           double zero_division = 0.0) {
    return recall(y_true, y_pred, positive_label, zero_division);
}

/// Same as f1().
inline double f1_score(const IntVector& y_true,
                       const IntVector& y_pred,
                       int positive_label = 1,
                       double zero_division = 0.0) {
    return f1(y_true, y_pred, positive_label, zero_division);
}

} // namespace prognos
