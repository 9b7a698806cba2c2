// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Growing one CART tree into a FlatTree: exact best-split search shared by the decision trees
/// and the random forests.
///
/// Each column is sorted once per fit (presort) and a tree keeps, for every feature, its node's
/// samples in that feature's order. A split then partitions each feature's range stably into
/// left and right, which keeps the order without sorting again: O(samples x features) per tree
/// level instead of a sort per node and feature. Bootstrap samples are carried as integer
/// weights (how often a row was drawn), so a row drawn twice is stored once, as scikit-learn
/// does; sample counts such as min_samples_leaf count distinct rows, weights enter impurities.
///
/// Candidate thresholds lie between adjacent distinct values a < b of the node's sorted
/// feature: the midpoint a/2 + b/2 in double (halving first cannot overflow), replaced by a
/// when rounding puts it at b or outside [a, b). Training rows therefore go to exactly the side
/// the split counted them on, and a query equal to a stored threshold goes left.
///
/// Ties between candidate splits of exactly equal quality go to the first one found: the lowest
/// feature index when every feature is examined (else the first drawn), and the lowest
/// threshold within a feature. scikit-learn visits features in random order, so on such ties
/// the two may grow different, equally good trees. A regression node counts as pure only when
/// all its targets are equal; scikit-learn also stops when the computed variance is below
/// machine epsilon, so on nearly constant targets prognos may split further.

#include <prognos/core/random.hpp>
#include <prognos/core/types.hpp>
#include <prognos/tree/flat_tree.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

namespace prognos {
namespace detail {

/// Impurity measure inside the builder.
enum class SplitRule { gini, entropy, squared_error };

/// Growth limits of one tree, already validated and resolved against the data.
struct TreeSettings {
    SplitRule rule = SplitRule::gini;
    int max_depth = -1; ///< -1: unlimited
    int min_samples_split = 2;
    int min_samples_leaf = 1;
    int max_features = 1; ///< resolved count in [1, n_features]
};

/// Row indices of each column in ascending order of value, column after column (ties keep row
/// order). Computed once per fit and shared read-only by all trees of a forest.
inline std::vector<int> presort_columns(const Matrix& X) {
    const auto n = static_cast<std::size_t>(X.rows());
    const auto d = static_cast<std::size_t>(X.cols());
    std::vector<int> order(n * d);
    for (std::size_t f = 0; f < d; ++f) {
        int* seg = order.data() + f * n;
        std::iota(seg, seg + n, 0);
        const double* col = X.data() + f * n;
        std::stable_sort(seg, seg + n, [col](int a, int b) { return col[a] < col[b]; });
    }
    return order;
}

/// Grows one tree. Targets are either class codes in [0, n_classes) or real values.
class TreeBuilder {
public:
    /// `y_class` with `n_classes` >= 1 for classification, or `y_real` for regression; the
    /// other pointer is null. All references must outlive the builder.
    TreeBuilder(const Matrix& X,
                const std::vector<int>& presorted,
                const TreeSettings& settings,
                const int* y_class,
                int n_classes,
                const double* y_real)
        : X_(X)
        , presorted_(presorted)
        , settings_(settings)
        , y_class_(y_class)
        , n_classes_(n_classes)
        , y_real_(y_real)
        , n_(static_cast<std::size_t>(X.rows()))
        , d_(static_cast<std::size_t>(X.cols())) {}

    /**
     * Grows a tree on the rows with counts[i] > 0, each weighted by its count; an empty
     * `counts` means every row once. Feature draws (when max_features < n_features) come from
     * `rng` only, so the tree depends on nothing but its inputs.
     */
    FlatTree build(const std::vector<int>& counts, Random& rng) {
        prepare(counts);
        FlatTree tree;
        tree.n_features = static_cast<int>(d_);
        tree.value_width = classification() ? n_classes_ : 1;

        struct Pending {
            std::size_t start, end;
            int depth;
            int parent;
            bool is_left;
        };

        std::vector<Pending> stack;
        stack.push_back({0, m_, 0, -1, false});
        std::vector<double> node_value(static_cast<std::size_t>(tree.value_width));
        while (!stack.empty()) {
            const Pending p = stack.back();
            stack.pop_back();
            const int id = static_cast<int>(tree.feature.size());
            if (p.parent >= 0) {
                (p.is_left ? tree.left : tree.right)[static_cast<std::size_t>(p.parent)] = id;
            }

            const bool pure = node_statistics(p.start, p.end, node_value.data());
            tree.values.insert(tree.values.end(), node_value.begin(), node_value.end());
            tree.feature.push_back(-1);
            tree.threshold.push_back(0.0);
            tree.left.push_back(-1);
            tree.right.push_back(-1);

            const auto n_node = static_cast<long long>(p.end - p.start);
            const bool leaf =
                pure || (settings_.max_depth >= 0 && p.depth >= settings_.max_depth) ||
                n_node < settings_.min_samples_split || n_node < 2LL * settings_.min_samples_leaf;
            if (leaf) {
                continue;
            }
            const Split split = best_split(p.start, p.end, rng);
            if (split.feature < 0) {
                continue;
            }
            tree.feature.back() = split.feature;
            tree.threshold.back() = split.threshold;
            partition(p.start, p.end, split);
            // Right first so that the left child is popped next: pre-order numbering.
            stack.push_back({split.cut, p.end, p.depth + 1, id, false});
            stack.push_back({p.start, split.cut, p.depth + 1, id, true});
        }
        return tree;
    }

private:
    struct Split {
        int feature = -1;
        std::size_t cut = 0; ///< first position of the right child in the node's range
        double threshold = 0.0;
        double proxy = -std::numeric_limits<double>::infinity();
    };

    bool classification() const noexcept { return y_class_ != nullptr; }

    // Keeps the in-bag rows of every presorted column, in order.
    void prepare(const std::vector<int>& counts) {
        weight_.assign(n_, 1.0);
        m_ = n_;
        if (!counts.empty()) {
            m_ = 0;
            for (std::size_t i = 0; i < n_; ++i) {
                weight_[i] = counts[i];
                m_ += counts[i] > 0;
            }
        }
        sorted_.resize(m_ * d_);
        for (std::size_t f = 0; f < d_; ++f) {
            const int* src = presorted_.data() + f * n_;
            int* dst = sorted_.data() + f * m_;
            if (m_ == n_) {
                std::copy(src, src + n_, dst);
            } else {
                for (std::size_t k = 0; k < n_; ++k) {
                    if (weight_[static_cast<std::size_t>(src[k])] > 0) {
                        *dst++ = src[k];
                    }
                }
            }
        }
        goes_left_.assign(n_, 0);
        scratch_.resize(m_);
        perm_.resize(d_);
        std::iota(perm_.begin(), perm_.end(), 0);
        node_counts_.assign(static_cast<std::size_t>(std::max(n_classes_, 1)), 0.0);
        left_counts_.assign(node_counts_.size(), 0.0);
        right_counts_.assign(node_counts_.size(), 0.0);
    }

    // Writes the node's value (class probabilities or weighted mean) and its totals into
    // members; returns whether the node is pure (nothing left to separate).
    bool node_statistics(std::size_t start, std::size_t end, double* value) {
        const int* seg = sorted_.data(); // feature 0's order holds the node's rows like any
        node_weight_ = 0.0;
        if (classification()) {
            std::fill(node_counts_.begin(), node_counts_.end(), 0.0);
            for (std::size_t k = start; k < end; ++k) {
                const auto s = static_cast<std::size_t>(seg[k]);
                node_counts_[static_cast<std::size_t>(y_class_[s])] += weight_[s];
            }
            int non_empty = 0;
            node_sq_ = 0.0;
            for (std::size_t c = 0; c < node_counts_.size(); ++c) {
                node_weight_ += node_counts_[c];
                non_empty += node_counts_[c] > 0;
                node_sq_ += node_counts_[c] * node_counts_[c];
            }
            for (std::size_t c = 0; c < node_counts_.size(); ++c) {
                value[c] = node_counts_[c] / node_weight_;
            }
            return non_empty <= 1;
        }
        node_sum_ = 0.0;
        double lo = std::numeric_limits<double>::infinity();
        double hi = -lo;
        for (std::size_t k = start; k < end; ++k) {
            const auto s = static_cast<std::size_t>(seg[k]);
            node_weight_ += weight_[s];
            node_sum_ += weight_[s] * y_real_[s];
            lo = std::min(lo, y_real_[s]);
            hi = std::max(hi, y_real_[s]);
        }
        value[0] = node_sum_ / node_weight_;
        // Equal targets are pure whatever the rounding of a computed variance says.
        return lo == hi;
    }

    Split best_split(std::size_t start, std::size_t end, Random& rng) {
        Split best;
        const auto d = static_cast<int>(d_);
        if (settings_.max_features >= d) {
            // Every feature, in index order: ties between features go to the lowest index.
            for (int f = 0; f < d; ++f) {
                scan_feature(f, start, end, best);
            }
            return best;
        }
        // Features in random order (a Fisher-Yates draw continued node after node). Features
        // that are constant in this node cannot split it and do not count towards
        // max_features, as in scikit-learn, so a node with informative features left always
        // finds one.
        int examined = 0;
        for (int k = 0; k < d && examined < settings_.max_features; ++k) {
            const auto j =
                k + static_cast<int>(rng.uniform_index(static_cast<std::uint64_t>(d - k)));
            std::swap(perm_[static_cast<std::size_t>(k)], perm_[static_cast<std::size_t>(j)]);
            examined += scan_feature(perm_[static_cast<std::size_t>(k)], start, end, best);
        }
        return best;
    }

    // Updates `best` with the best cut of feature f; returns false if f is constant here.
    bool scan_feature(int f, std::size_t start, std::size_t end, Split& best) {
        const int* seg = sorted_.data() + static_cast<std::size_t>(f) * m_;
        const double* col = X_.data() + static_cast<std::size_t>(f) * n_;
        if (!(col[seg[start]] < col[seg[end - 1]])) {
            return false;
        }
        const auto min_leaf = static_cast<std::size_t>(settings_.min_samples_leaf);
        double w_left = 0.0;
        double w_right = node_weight_;
        double sq_left = 0.0;
        double sq_right = node_sq_;
        double sum_left = 0.0;
        if (classification()) {
            std::fill(left_counts_.begin(), left_counts_.end(), 0.0);
            std::copy(node_counts_.begin(), node_counts_.end(), right_counts_.begin());
        }
        for (std::size_t k = start; k + 1 < end; ++k) {
            const auto s = static_cast<std::size_t>(seg[k]);
            const double w = weight_[s];
            w_left += w;
            w_right -= w;
            if (classification()) {
                const auto c = static_cast<std::size_t>(y_class_[s]);
                // Sums of squared class weights move by exact integer steps.
                sq_left += w * (2.0 * left_counts_[c] + w);
                sq_right -= w * (2.0 * right_counts_[c] - w);
                left_counts_[c] += w;
                right_counts_[c] -= w;
            } else {
                sum_left += w * y_real_[s];
            }
            const std::size_t n_left = k + 1 - start;
            if (n_left < min_leaf) {
                continue;
            }
            if (end - k - 1 < min_leaf) {
                break;
            }
            const double a = col[s];
            const double b = col[seg[k + 1]];
            if (!(a < b)) {
                continue;
            }
            const double proxy = proxy_improvement(w_left, w_right, sq_left, sq_right, sum_left);
            if (proxy > best.proxy) {
                best.proxy = proxy;
                best.feature = f;
                best.cut = k + 1;
                best.threshold = midpoint(a, b);
            }
        }
        return true;
    }

    // A quantity that orders candidate splits of one node like the impurity decrease does,
    // without the terms that are equal for all of them (scikit-learn's "proxy" idea):
    //   gini:          sum_c l_c^2 / w_l + sum_c r_c^2 / w_r
    //   entropy:       sum_c l_c ln l_c - w_l ln w_l + (the same for the right side)
    //   squared error: s_l^2 / w_l + s_r^2 / w_r   (s = weighted target sums)
    double proxy_improvement(
        double w_left, double w_right, double sq_left, double sq_right, double sum_left) const {
        switch (settings_.rule) {
        case SplitRule::gini:
            return sq_left / w_left + sq_right / w_right;
        case SplitRule::entropy: {
            double total = -w_left * std::log(w_left) - w_right * std::log(w_right);
            for (std::size_t c = 0; c < left_counts_.size(); ++c) {
                if (left_counts_[c] > 0) {
                    total += left_counts_[c] * std::log(left_counts_[c]);
                }
                if (right_counts_[c] > 0) {
                    total += right_counts_[c] * std::log(right_counts_[c]);
                }
            }
            return total;
        }
        case SplitRule::squared_error: {
            const double sum_right = node_sum_ - sum_left;
            return sum_left * sum_left / w_left + sum_right * sum_right / w_right;
        }
        }
        return 0.0;
    }

    static double midpoint(double a, double b) noexcept {
        const double t = a / 2.0 + b / 2.0;
        return (t >= a && t < b) ? t : a;
    }

    // Splits every feature's range [start, end) stably into the rows left of the cut of the
    // chosen feature, then the rest.
    void partition(std::size_t start, std::size_t end, const Split& split) {
        const int* chosen = sorted_.data() + static_cast<std::size_t>(split.feature) * m_;
        for (std::size_t k = start; k < end; ++k) {
            goes_left_[static_cast<std::size_t>(chosen[k])] = k < split.cut;
        }
        for (std::size_t f = 0; f < d_; ++f) {
            if (static_cast<int>(f) == split.feature) {
                continue; // already in order: left rows are exactly the first ones
            }
            int* seg = sorted_.data() + f * m_;
            std::size_t l = start;
            std::size_t r = 0;
            for (std::size_t k = start; k < end; ++k) {
                const int s = seg[k];
                if (goes_left_[static_cast<std::size_t>(s)]) {
                    seg[l++] = s;
                } else {
                    scratch_[r++] = s;
                }
            }
            std::copy(scratch_.begin(), scratch_.begin() + static_cast<std::ptrdiff_t>(r), seg + l);
        }
    }

    const Matrix& X_;
    const std::vector<int>& presorted_;
    TreeSettings settings_;
    const int* y_class_;
    int n_classes_;
    const double* y_real_;
    std::size_t n_;
    std::size_t d_;
    std::size_t m_ = 0;

    std::vector<double> weight_;
    std::vector<int> sorted_;
    std::vector<std::uint8_t> goes_left_;
    std::vector<int> scratch_;
    std::vector<int> perm_;
    std::vector<double> node_counts_, left_counts_, right_counts_;
    double node_weight_ = 0.0;
    double node_sq_ = 0.0;
    double node_sum_ = 0.0;
};

} // namespace detail
} // namespace prognos
