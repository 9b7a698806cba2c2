// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Pieces the decision trees and the forests share around the builder: parameter checks worded
/// the same way for all four estimators, and the mapping of arbitrary int labels to class codes.

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>
#include <prognos/tree/class_weight.hpp>
#include <prognos/tree/detail/tree_builder.hpp>
#include <prognos/tree/flat_tree.hpp>
#include <prognos/tree/max_features.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

namespace prognos {
namespace detail {

/// Checks the growth parameters every tree model has and resolves them against X; `who` is
/// e.g. "DecisionTreeClassifier::fit".
inline TreeSettings tree_settings(const std::string& who,
                                  SplitRule rule,
                                  int max_depth,
                                  int min_samples_split,
                                  int min_samples_leaf,
                                  const MaxFeatures& max_features,
                                  Index n_features,
                                  double min_impurity_decrease = 0.0,
                                  bool random_splits = false,
                                  double ccp_alpha = 0.0,
                                  int max_leaf_nodes = -1) {
    if (max_depth == 0 || max_depth < -1) {
        PROGNOS_THROW(invalid_argument(who + ": max_depth must be >= 1 or -1 (unlimited), got " +
                                       std::to_string(max_depth)));
    }
    if (min_samples_split < 2) {
        PROGNOS_THROW(invalid_argument(who + ": min_samples_split must be >= 2, got " +
                                       std::to_string(min_samples_split)));
    }
    if (min_samples_leaf < 1) {
        PROGNOS_THROW(invalid_argument(who + ": min_samples_leaf must be >= 1, got " +
                                       std::to_string(min_samples_leaf)));
    }
    if (!(min_impurity_decrease >= 0.0) || !std::isfinite(min_impurity_decrease)) {
        PROGNOS_THROW(invalid_argument(who +
                                       ": min_impurity_decrease must be finite and >= 0, got " +
                                       std::to_string(min_impurity_decrease)));
    }
    if (!(ccp_alpha >= 0.0) || !std::isfinite(ccp_alpha)) {
        std::ostringstream shown;
        shown << ccp_alpha;
        PROGNOS_THROW(
            invalid_argument(who + ": ccp_alpha must be finite and >= 0, got " +
                             (std::isfinite(ccp_alpha) ? shown.str() : describe_value(ccp_alpha))));
    }
    if (max_leaf_nodes < 2 && max_leaf_nodes != -1) {
        PROGNOS_THROW(invalid_argument(who +
                                       ": max_leaf_nodes must be >= 2 or -1 (unlimited), got " +
                                       std::to_string(max_leaf_nodes)));
    }
    if (n_features >= FlatTree::kMissingLeftBit) {
        PROGNOS_THROW(
            invalid_argument(who + ": too many features (" + std::to_string(n_features) + ")"));
    }
    TreeSettings s;
    s.rule = rule;
    s.max_depth = max_depth;
    s.min_samples_split = min_samples_split;
    s.min_samples_leaf = min_samples_leaf;
    s.max_features = max_features.resolve(static_cast<int>(n_features), who);
    s.min_impurity_decrease = min_impurity_decrease;
    s.random_splits = random_splits;
    s.ccp_alpha = ccp_alpha;
    s.max_leaf_nodes = max_leaf_nodes;
    return s;
}

/// Sorted distinct labels of y, and y recoded as positions in that list.
struct EncodedLabels {
    IntVector classes;
    std::vector<int> codes;
};

inline EncodedLabels encode_labels(const IntVector& y) {
    std::vector<int> sorted(y.data(), y.data() + y.size());
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    EncodedLabels out;
    out.classes = Eigen::Map<const IntVector>(sorted.data(), static_cast<Index>(sorted.size()));
    out.codes.resize(static_cast<std::size_t>(y.size()));
    for (Index i = 0; i < y.size(); ++i) {
        out.codes[static_cast<std::size_t>(i)] =
            static_cast<int>(std::lower_bound(sorted.begin(), sorted.end(), y[i]) - sorted.begin());
    }
    return out;
}

/// Regression targets must be finite: a NaN target would poison every mean it enters.
inline void check_finite_targets(const Vector& y, const std::string& who) {
    for (Index i = 0; i < y.size(); ++i) {
        if (!std::isfinite(y[i])) {
            PROGNOS_THROW(bad_value(who + ": target y[" + std::to_string(i) + "] is " +
                                        describe_value(y[i]) + "; targets must be finite",
                                    i,
                                    -1));
        }
    }
}

/// Trees accept NaN (a missing value, routed by the split's learned direction) but not
/// infinities, which no threshold separates meaningfully from the largest finite value.
inline void check_no_infinity(const Matrix& X, const std::string& who) {
    for (Index j = 0; j < X.cols(); ++j) {
        for (Index i = 0; i < X.rows(); ++i) {
            if (std::isinf(X(i, j))) {
                PROGNOS_THROW(bad_value(
                    who + ": " + row_name(i) + ", feature " + std::to_string(j) + " is " +
                        describe_value(X(i, j)) +
                        "; trees accept NaN as missing but not infinities (a SimpleImputer "
                        "in front treats them as missing)",
                    i,
                    j));
            }
        }
    }
}

/// check_no_infinity for one row, building a message only when a value is bad.
inline void check_row_no_infinity(const double* x, Index n, const char* who) {
    for (Index j = 0; j < n; ++j) {
        if (std::isinf(x[j])) {
            PROGNOS_THROW(bad_value(std::string(who) + ": feature " + std::to_string(j) + " is " +
                                        describe_value(x[j]) +
                                        "; trees accept NaN as missing but not infinities",
                                    0,
                                    j));
        }
    }
}

/**
 * Per-row training weights: sample_weight (empty: all 1) times the class weight of the row's
 * class. Returns an empty vector when every weight is 1, so the builder can skip them.
 * @throws invalid_argument for a wrong length, or negative or non-finite weights.
 */
inline std::vector<double> row_weights(const std::vector<int>& codes,
                                       const IntVector& classes,
                                       const ClassWeight& class_weight,
                                       const Vector& sample_weight,
                                       const std::string& who) {
    const std::size_t n = codes.size();
    if (sample_weight.size() != 0 && static_cast<std::size_t>(sample_weight.size()) != n) {
        PROGNOS_THROW(invalid_argument(who + ": sample_weight has " +
                                       std::to_string(sample_weight.size()) +
                                       " entries but X has " + std::to_string(n) + " rows"));
    }
    for (Index i = 0; i < sample_weight.size(); ++i) {
        if (!(sample_weight[i] >= 0.0) || !std::isfinite(sample_weight[i])) {
            PROGNOS_THROW(invalid_argument(who + ": sample_weight[" + std::to_string(i) +
                                           "] must be finite and >= 0, got " +
                                           describe_value(sample_weight[i])));
        }
    }
    const std::vector<double> per_class = class_weight.resolve(codes, classes, who);
    bool all_one = sample_weight.size() == 0;
    for (double w : per_class) {
        all_one = all_one && w == 1.0;
    }
    if (all_one) {
        return {};
    }
    std::vector<double> w(n, 1.0);
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        w[i] = (sample_weight.size() ? sample_weight[static_cast<Index>(i)] : 1.0) *
               (per_class.empty() ? 1.0 : per_class[static_cast<std::size_t>(codes[i])]);
        total += w[i];
    }
    if (!(total > 0)) {
        PROGNOS_THROW(invalid_argument(who + ": every row has weight 0"));
    }
    return w;
}

/// check_finite_row without building the message string unless a value is bad, so the
/// single-row predict paths allocate nothing on good input.
inline void check_row_finite(const double* x, Index n, const char* who) {
    for (Index j = 0; j < n; ++j) {
        if (!std::isfinite(x[j])) {
            check_finite_row(x, n, who);
        }
    }
}

/// Index of the largest of n values, the first on ties (numpy's argmax).
inline Index argmax(const double* v, Index n) noexcept {
    Index best = 0;
    for (Index c = 1; c < n; ++c) {
        if (v[c] > v[best]) {
            best = c;
        }
    }
    return best;
}

} // namespace detail
} // namespace prognos
