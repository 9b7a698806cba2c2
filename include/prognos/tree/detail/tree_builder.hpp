// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Growing one CART tree into a FlatTree: the split search shared by the decision trees and the
/// random forests, with missing values and row weights.
///
/// Columns are binned once per fit (BinnedColumns): a column with at most 255 distinct values
/// gets one bin per value, a longer column 255 bins cut at quantiles, and NaN a bin of its own.
/// A node then searches each examined feature in one of two ways:
///  - large nodes (more than kHistogramRows = 32 rows): a histogram of per-bin class weights (or
///    weight and target sums) in one pass over the node's rows, then a scan over the bins.
///    This is what makes fitting scale: O(rows) per node and feature with no sort.
///  - small nodes: the node's values are gathered and sorted, and every cut between adjacent
///    distinct values is tried, as an exact CART search does.
/// On a column with at most 255 distinct values the two give the same candidates, so small or
/// coarse data (every bundled test set) is split exactly; only on long columns at nodes of more
/// than 32 rows is the threshold restricted to quantile edges, as in histogram gradient
/// boosting. The cut-over at 32 rows was measured on the 100k x 10 peer data: below it a sort
/// is cheaper than scanning 255 bins, above it the histogram is, and the forest's ROC-AUC moved
/// by less than 0.0005 between 1024, 128 and 32. When a long column's present values at a node
/// fall into one bin, that node searches the column exactly.
///
/// Each node keeps its rows as one contiguous range of an index array, in ascending row order;
/// a split partitions that range stably. Nothing is allocated per node: all scratch space is
/// sized once per tree.
///
/// Thresholds lie between adjacent distinct values a < b: the midpoint a/2 + b/2 in double,
/// replaced by a when rounding puts it at b or outside [a, b) (for quantile bins, the bin
/// edge, which is such a midpoint). Training rows therefore go to exactly the side the split
/// counted them on, and a query equal to a stored threshold goes left.
///
/// Missing values (NaN): at every cut both directions for the node's missing rows are tried
/// and the better one is stored with the split; "all present values left, missing right"
/// (threshold kAllPresent) is a candidate of its own, so a column whose only signal is being
/// missing can still split. When
/// a node saw no missing values of its feature, missing values follow the heavier child at
/// predict time (scikit-learn 1.3 does the same).
///
/// Weights: each row has a weight (bootstrap count x sample weight x class weight); rows of
/// weight 0 are left out. Sample counts such as min_samples_leaf count distinct rows, weights
/// enter impurities and leaf values, as in scikit-learn.
///
/// Growth is depth-first (a node's split is searched when it is taken off a stack, left child
/// first), or best-first with max_leaf_nodes as in scikit-learn: children are searched as soon
/// as their parent splits, and the pending node with the largest weighted impurity decrease is
/// split next until the leaf budget is spent. Either way the tree leaves build() numbered in
/// pre-order (compile renumbers the best-first order), pruned by ccp_alpha when it is set
/// (tree/detail/pruning.hpp).
///
/// Absolute error (regression) ranks each node's rows by target once and sweeps every examined
/// feature's sorted values through a MedianTracker from both ends, so each cut's two weighted
/// medians and deviations cost O(log n); it never uses the histograms.
///
/// Ties between candidate splits of exactly equal quality go to the first one found: the lowest
/// feature index when every feature is examined (else the first drawn), the lowest threshold
/// within a feature, and "missing left" before "missing right". A regression node counts as
/// pure only when all its targets are equal.

#include <prognos/core/random.hpp>
#include <prognos/core/types.hpp>
#include <prognos/tree/detail/pruning.hpp>
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
enum class SplitRule { gini, entropy, squared_error, absolute_error };

/// Growth limits of one tree, already validated and resolved against the data.
struct TreeSettings {
    SplitRule rule = SplitRule::gini;
    int max_depth = -1; ///< -1: unlimited
    int min_samples_split = 2;
    int min_samples_leaf = 1;
    int max_features = 1; ///< resolved count in [1, n_features]
    /// A split must lower the weighted impurity by at least this much (scikit-learn's
    /// N_t / N * (impurity - N_tL / N_t * left_impurity - N_tR / N_t * right_impurity)).
    double min_impurity_decrease = 0.0;
    /// Extremely randomized trees: one uniformly drawn threshold per examined feature.
    bool random_splits = false;
    /// Cost-complexity pruning strength applied after growing (0: none).
    double ccp_alpha = 0.0;
    /// Best-first growth up to this many leaves; -1 grows depth-first without a leaf limit.
    int max_leaf_nodes = -1;
};

/// The bin code of a missing value.
constexpr std::uint8_t kMissingBin = 255;

/// Columns of X as one-byte bin codes, computed once per fit and shared read-only by all trees
/// of a forest. Bin b of feature f holds the values in (edges[b - 1], edges[b]].
struct BinnedColumns {
    std::size_t n = 0;
    std::size_t d = 0;
    std::vector<std::uint8_t> codes;        ///< column-major, n x d
    std::vector<std::vector<double>> edges; ///< per feature: n_bins - 1 increasing edges
    std::vector<std::vector<double>> value; ///< per feature: the bin's only value (exact bins)
    std::vector<std::uint8_t> exact;        ///< per feature: one distinct value per bin
    bool any_missing = false;

    int n_bins(std::size_t f) const noexcept { return static_cast<int>(edges[f].size()) + 1; }
};

/// Midpoint of a < b that lies in [a, b): halving first cannot overflow.
inline double split_midpoint(double a, double b) noexcept {
    const double t = a / 2.0 + b / 2.0;
    return (t >= a && t < b) ? t : a;
}

/// Bins every column of X (NaN allowed, infinities not; the callers check).
inline BinnedColumns bin_columns(const Matrix& X) {
    BinnedColumns B;
    B.n = static_cast<std::size_t>(X.rows());
    B.d = static_cast<std::size_t>(X.cols());
    B.codes.resize(B.n * B.d);
    B.edges.resize(B.d);
    B.value.resize(B.d);
    B.exact.assign(B.d, 0);
    std::vector<double> sorted;
    sorted.reserve(B.n);
    for (std::size_t f = 0; f < B.d; ++f) {
        const double* col = X.data() + f * B.n;
        sorted.clear();
        for (std::size_t i = 0; i < B.n; ++i) {
            if (!std::isnan(col[i])) {
                sorted.push_back(col[i]);
            }
        }
        std::sort(sorted.begin(), sorted.end());
        std::vector<double>& edges = B.edges[f];
        std::size_t distinct = 0;
        for (std::size_t k = 0; k < sorted.size(); ++k) {
            distinct += k == 0 || sorted[k] != sorted[k - 1];
        }
        if (distinct <= 255) {
            B.exact[f] = 1;
            for (std::size_t k = 0; k < sorted.size(); ++k) {
                if (k == 0 || sorted[k] != sorted[k - 1]) {
                    B.value[f].push_back(sorted[k]);
                }
            }
            for (std::size_t k = 0; k + 1 < B.value[f].size(); ++k) {
                edges.push_back(split_midpoint(B.value[f][k], B.value[f][k + 1]));
            }
        } else {
            // 255 bins of about equal row counts; an edge always falls between two distinct
            // values, so equal values share a bin.
            const std::size_t m = sorted.size();
            for (int j = 1; j < 255; ++j) {
                std::size_t k = m * static_cast<std::size_t>(j) / 255;
                while (k < m && k > 0 && sorted[k] == sorted[k - 1]) {
                    ++k;
                }
                if (k == 0 || k >= m) {
                    continue;
                }
                const double e = split_midpoint(sorted[k - 1], sorted[k]);
                if (edges.empty() || e > edges.back()) {
                    edges.push_back(e);
                }
            }
        }
        std::uint8_t* code = B.codes.data() + f * B.n;
        for (std::size_t i = 0; i < B.n; ++i) {
            if (std::isnan(col[i])) {
                code[i] = kMissingBin;
                B.any_missing = true;
            } else {
                code[i] = static_cast<std::uint8_t>(
                    std::lower_bound(edges.begin(), edges.end(), col[i]) - edges.begin());
            }
        }
    }
    return B;
}

/// Threshold of the "every present value left, missing right" cut: every finite value is
/// below it (infinities are rejected before fitting and predicting), as scikit-learn's +inf.
constexpr double kAllPresent = std::numeric_limits<double>::max();

/// Weighted targets added one at a time at fixed ranks (1-based positions of a node's rows in
/// ascending target order), answering the sum of absolute deviations from their weighted
/// median in O(log n) through Fenwick trees of weights, weighted targets and counts. The
/// absolute-error split search sweeps the rows of a node in feature order through one of these
/// from each end, which makes it O(n log n) per node and feature.
///
/// The weighted median is scikit-learn's: with the targets sorted, the first one at which the
/// running weight reaches half the total, or the mean of it and the next when the running
/// weight equals half exactly (so unit weights give the usual median of an even count).
class MedianTracker {
public:
    /// Empties the tracker for ranks 1..size; `y` and `w` (indexed by rank) must outlive it.
    void reset(std::size_t size, const double* y, const double* w) {
        size_ = size;
        y_ = y;
        w_ = w;
        fw_.assign(size + 1, 0.0);
        fs_.assign(size + 1, 0.0);
        fc_.assign(size + 1, 0);
        top_ = 1;
        while (top_ * 2 <= size) {
            top_ *= 2;
        }
        total_w_ = 0.0;
        total_s_ = 0.0;
    }

    /// Adds the target of rank `pos` (1-based) with its weight.
    void insert(std::size_t pos) {
        const double w = w_[pos];
        const double ws = w * y_[pos];
        total_w_ += w;
        total_s_ += ws;
        for (std::size_t i = pos; i <= size_; i += i & (~i + 1)) {
            fw_[i] += w;
            fs_[i] += ws;
            fc_[i] += 1;
        }
    }

    /// Total weight added so far.
    double weight() const noexcept { return total_w_; }

    /// Sum over the added targets of weight x |target - weighted median| (0 when empty).
    double abs_deviation() const noexcept {
        if (!(total_w_ > 0)) {
            return 0.0;
        }
        const double half = total_w_ / 2.0;
        // Largest position whose prefix weight is below half; the next added rank is the one
        // at which the running weight reaches half.
        std::size_t pos = 0;
        double acc_w = 0.0;
        double acc_s = 0.0;
        long long acc_c = 0;
        for (std::size_t step = top_; step > 0; step >>= 1) {
            const std::size_t next = pos + step;
            if (next <= size_ && acc_w + fw_[next] < half) {
                pos = next;
                acc_w += fw_[next];
                acc_s += fs_[next];
                acc_c += fc_[next];
            }
        }
        const std::size_t k = first_with_count(acc_c + 1);
        const double cum_w = acc_w + w_[k];
        const double cum_s = acc_s + w_[k] * y_[k];
        double median = y_[k];
        if (cum_w == half) {
            const std::size_t after = first_with_count(acc_c + 2);
            if (after <= size_) {
                median = (y_[k] + y_[after]) / 2.0;
            }
        }
        const double dev =
            (median * cum_w - cum_s) + ((total_s_ - cum_s) - median * (total_w_ - cum_w));
        return std::max(0.0, dev);
    }

private:
    // Smallest rank whose prefix count is >= c (size_ + 1 if fewer were added).
    std::size_t first_with_count(long long c) const noexcept {
        std::size_t pos = 0;
        long long acc = 0;
        for (std::size_t step = top_; step > 0; step >>= 1) {
            const std::size_t next = pos + step;
            if (next <= size_ && acc + fc_[next] < c) {
                pos = next;
                acc += fc_[next];
            }
        }
        return pos + 1;
    }

    std::size_t size_ = 0;
    std::size_t top_ = 1;
    const double* y_ = nullptr;
    const double* w_ = nullptr;
    std::vector<double> fw_, fs_;
    std::vector<long long> fc_;
    double total_w_ = 0.0;
    double total_s_ = 0.0;
};

/// Grows one tree. Targets are either class codes in [0, n_classes) or real values.
class TreeBuilder {
public:
    /// Nodes with more rows than this search their features by histogram.
    static constexpr std::size_t kHistogramRows = 32;

    /// `y_class` with `n_classes` >= 1 for classification, or `y_real` for regression; the
    /// other pointer is null. All references must outlive the builder.
    TreeBuilder(const Matrix& X,
                const BinnedColumns& bins,
                const TreeSettings& settings,
                const int* y_class,
                int n_classes,
                const double* y_real)
        : X_(X)
        , bins_(bins)
        , settings_(settings)
        , y_class_(y_class)
        , n_classes_(n_classes)
        , y_real_(y_real)
        , n_(static_cast<std::size_t>(X.rows()))
        , d_(static_cast<std::size_t>(X.cols()))
        , k_(y_class ? static_cast<std::size_t>(n_classes) : 2) {}

    /**
     * Grows a tree on the rows of positive weight. `weight` holds one weight per row (bootstrap
     * count times sample and class weights); empty means every row with weight 1. Feature and
     * threshold draws come from `rng` only, so the tree depends on nothing but its inputs.
     */
    FlatTree build(const std::vector<double>& weight, Random& rng) {
        prepare(weight);
        FlatTree tree;
        tree.n_features = static_cast<int>(d_);
        tree.value_width = classification() ? n_classes_ : 1;
        tree.importances.assign(d_, 0.0);
        node_value_.assign(static_cast<std::size_t>(tree.value_width), 0.0);
        if (settings_.max_leaf_nodes > 0) {
            grow_best_first(tree, rng);
        } else {
            grow_depth_first(tree, rng);
        }
        tree.compile();
        if (settings_.ccp_alpha > 0.0) {
            cost_complexity_prune(tree, settings_.ccp_alpha, true, nullptr);
        }
        return tree;
    }

private:
    struct Split {
        int feature = -1;
        double threshold = 0.0;
        bool missing_left = false;
        double proxy = -std::numeric_limits<double>::infinity();
    };

    // A node that has been added to the tree, with the split found for it (if any). Its rows
    // are already partitioned into [start, cut) and [cut, end) by that split.
    struct Grown {
        int id = -1;
        std::size_t start = 0, cut = 0, end = 0;
        int depth = 0;
        Split split;
        double decrease = 0.0; ///< weighted impurity decrease of the split
        bool splittable = false;
    };

    // Appends the node of rows [start, end) as a leaf (linked to its parent), then searches its
    // split and partitions its rows by it. The split is applied only by apply_split.
    // `class_totals`, when given (classification only), are the node's per-class weight sums
    // as its parent's partition added them up, in the same row order node_statistics would,
    // so they are the same numbers without another pass over the rows.
    Grown add_node(FlatTree& tree,
                   std::size_t start,
                   std::size_t end,
                   int depth,
                   int parent,
                   bool is_left,
                   Random& rng,
                   const double* class_totals = nullptr) {
        Grown g;
        g.id = static_cast<int>(tree.feature.size());
        g.start = start;
        g.end = end;
        g.cut = end;
        g.depth = depth;
        if (parent >= 0) {
            (is_left ? tree.left : tree.right)[static_cast<std::size_t>(parent)] = g.id;
        }
        const bool pure = node_statistics(start, end, node_value_.data(), class_totals);
        tree.values.insert(tree.values.end(), node_value_.begin(), node_value_.end());
        tree.feature.push_back(-1);
        tree.threshold.push_back(0.0);
        tree.left.push_back(-1);
        tree.right.push_back(-1);
        tree.missing_left.push_back(0);
        tree.impurity.push_back(node_impurity_);
        tree.weight.push_back(node_total_);
        if (parent < 0) {
            root_weight_ = node_total_;
        }

        const auto n_node = static_cast<long long>(end - start);
        const bool leaf = pure || (settings_.max_depth >= 0 && depth >= settings_.max_depth) ||
                          n_node < settings_.min_samples_split ||
                          n_node < 2LL * settings_.min_samples_leaf;
        if (leaf) {
            return g;
        }
        g.split = best_split(start, end, rng);
        if (g.split.feature < 0) {
            return g;
        }
        const double parent_impurity = node_impurity_;
        const double parent_weight = node_total_;
        g.cut = partition(start, end, g.split);
        const double w_l = sum_weight(left_stats_.data());
        const double w_r = sum_weight(right_stats_.data());
        g.decrease = parent_weight * parent_impurity -
                     w_l * child_impurity(left_stats_.data(), left_sq_, start, g.cut) -
                     w_r * child_impurity(right_stats_.data(), right_sq_, g.cut, end);
        // scikit-learn compares the decrease relative to the root's weight.
        if (settings_.min_impurity_decrease > 0.0 &&
            g.decrease / root_weight_ + std::numeric_limits<double>::epsilon() <
                settings_.min_impurity_decrease) {
            return g;
        }
        g.splittable = true;
        return g;
    }

    static void apply_split(FlatTree& tree, const Grown& g) {
        const auto u = static_cast<std::size_t>(g.id);
        tree.feature[u] = g.split.feature;
        tree.threshold[u] = g.split.threshold;
        tree.missing_left[u] = g.split.missing_left ? 1 : 0;
        tree.importances[static_cast<std::size_t>(g.split.feature)] += std::max(0.0, g.decrease);
    }

    // Depth-first growth: a node's split is searched when it is taken off the stack, left
    // subtrees first, so nodes come out numbered in pre-order.
    void grow_depth_first(FlatTree& tree, Random& rng) {
        struct Pending {
            std::size_t start, end;
            int depth;
            int parent;
            bool is_left;
        };

        std::vector<Pending> stack;
        // Classification: the class totals of each pending node (k_ values per entry, in stack
        // order), from its parent's partition.
        std::vector<double> totals;
        std::vector<double> popped(k_);
        stack.push_back({0, m_, 0, -1, false});
        while (!stack.empty()) {
            const Pending p = stack.back();
            stack.pop_back();
            const double* known = nullptr;
            if (classification() && p.parent >= 0) {
                std::copy(
                    totals.end() - static_cast<std::ptrdiff_t>(k_), totals.end(), popped.begin());
                totals.resize(totals.size() - k_);
                known = popped.data();
            }
            const Grown g =
                add_node(tree, p.start, p.end, p.depth, p.parent, p.is_left, rng, known);
            if (!g.splittable) {
                continue;
            }
            apply_split(tree, g);
            // Right first so that the left child is popped next: pre-order numbering.
            stack.push_back({g.cut, g.end, g.depth + 1, g.id, false});
            stack.push_back({g.start, g.cut, g.depth + 1, g.id, true});
            if (classification()) {
                totals.insert(totals.end(), right_stats_.begin(), right_stats_.end());
                totals.insert(totals.end(), left_stats_.begin(), left_stats_.end());
            }
        }
    }

    // Best-first growth (max_leaf_nodes, as scikit-learn): the splittable node whose split
    // lowers the weighted impurity most is split next, until max_leaf_nodes - 1 splits are made.
    // Children are searched as soon as their parent splits (left, then right), so nodes are
    // numbered in the order they were added; compile() renumbers them in pre-order. Ties in the
    // decrease go to the node added first.
    void grow_best_first(FlatTree& tree, Random& rng) {
        auto later = [](const Grown& a, const Grown& b) {
            return a.decrease < b.decrease || (a.decrease == b.decrease && a.id > b.id);
        };
        std::vector<Grown> frontier;
        auto offer_node = [&](const Grown& g) {
            if (g.splittable) {
                frontier.push_back(g);
                std::push_heap(frontier.begin(), frontier.end(), later);
            }
        };
        offer_node(add_node(tree, 0, m_, 0, -1, false, rng));
        int splits_left = settings_.max_leaf_nodes - 1;
        while (!frontier.empty() && splits_left > 0) {
            std::pop_heap(frontier.begin(), frontier.end(), later);
            const Grown g = frontier.back();
            frontier.pop_back();
            apply_split(tree, g);
            --splits_left;
            offer_node(add_node(tree, g.start, g.cut, g.depth + 1, g.id, true, rng));
            offer_node(add_node(tree, g.cut, g.end, g.depth + 1, g.id, false, rng));
        }
    }

    struct Item {
        double v;
        int row;
    };

    bool classification() const noexcept { return y_class_ != nullptr; }

    bool absolute_error() const noexcept { return settings_.rule == SplitRule::absolute_error; }

    void prepare(const std::vector<double>& weight) {
        weight_.assign(n_, 1.0);
        rows_.clear();
        rows_.reserve(n_);
        for (std::size_t i = 0; i < n_; ++i) {
            if (!weight.empty()) {
                weight_[i] = weight[i];
            }
            if (weight_[i] > 0) {
                rows_.push_back(static_cast<int>(i));
            }
        }
        m_ = rows_.size();
        scratch_.resize(m_);
        if (classification()) {
            row_class_.resize(m_);
            row_weight_.resize(m_);
            scratch_class_.resize(m_);
            scratch_weight_.resize(m_);
            for (std::size_t k = 0; k < m_; ++k) {
                const auto r = static_cast<std::size_t>(rows_[k]);
                row_class_[k] = y_class_[r];
                row_weight_[k] = weight_[r];
            }
        }
        items_.resize(m_);
        perm_.resize(d_);
        std::iota(perm_.begin(), perm_.end(), 0);
        node_stats_.assign(k_, 0.0);
        left_stats_.assign(k_, 0.0);
        right_stats_.assign(k_, 0.0);
        miss_.assign(k_, 0.0);
        hist_.assign(256 * k_, 0.0);
        hist_rows_.assign(256, 0);
        if (absolute_error()) {
            rank_of_row_.assign(n_, 0);
            rank_y_.assign(m_ + 1, 0.0);
            rank_w_.assign(m_ + 1, 0.0);
            by_target_.resize(m_);
            dev_.resize(4 * m_);
            dev_w_.resize(4 * m_);
            miss_rows_.reserve(m_);
        }
    }

    double sum_weight(const double* s) const noexcept {
        if (!classification()) {
            return s[0];
        }
        double w = 0.0;
        for (std::size_t c = 0; c < k_; ++c) {
            w += s[c];
        }
        return w;
    }

    // Adds row r to statistics s: class weights, or (weight, weighted target sum).
    void add(double* s, int r) const noexcept {
        const auto i = static_cast<std::size_t>(r);
        if (classification()) {
            s[y_class_[i]] += weight_[i];
        } else {
            s[0] += weight_[i];
            s[1] += weight_[i] * y_real_[i];
        }
    }

    // Impurity of statistics s; `sq` is the weighted sum of squared targets (regression only).
    double impurity_of(const double* s, double sq) const {
        const double w = sum_weight(s);
        if (!(w > 0)) {
            return 0.0;
        }
        switch (settings_.rule) {
        case SplitRule::gini: {
            double g = 1.0;
            for (std::size_t c = 0; c < k_; ++c) {
                g -= (s[c] / w) * (s[c] / w);
            }
            return g;
        }
        case SplitRule::entropy: {
            double e = 0.0;
            for (std::size_t c = 0; c < k_; ++c) {
                if (s[c] > 0) {
                    e -= (s[c] / w) * std::log2(s[c] / w);
                }
            }
            return e;
        }
        case SplitRule::squared_error: {
            const double mean = s[1] / w;
            return std::max(0.0, sq / w - mean * mean);
        }
        case SplitRule::absolute_error:
            break; // needs the rows: see median_of_range
        }
        return 0.0;
    }

    // Impurity of a child of the split just made: statistics s (and squared sum sq) of the rows
    // [start, end) of rows_.
    double child_impurity(const double* s, double sq, std::size_t start, std::size_t end) {
        if (absolute_error()) {
            double median = 0.0;
            return median_of_range(start, end, median);
        }
        return impurity_of(s, sq);
    }

    // Weighted median of the targets of rows [start, end) of rows_ (scikit-learn's, see
    // MedianTracker) into `median`; returns their mean absolute deviation from it, summed
    // directly as scikit-learn does. O(n log n): the targets are sorted.
    double median_of_range(std::size_t start, std::size_t end, double& median) {
        const std::size_t n = end - start;
        median = 0.0;
        if (n == 0) {
            return 0.0;
        }
        double total = 0.0;
        for (std::size_t k = 0; k < n; ++k) {
            const auto r = static_cast<std::size_t>(rows_[start + k]);
            by_target_[k] = {y_real_[r], static_cast<int>(r)};
            total += weight_[r];
        }
        std::sort(by_target_.begin(),
                  by_target_.begin() + static_cast<std::ptrdiff_t>(n),
                  [](const Item& a, const Item& b) { return a.v < b.v; });
        const double half = total / 2.0;
        double cum = 0.0;
        for (std::size_t k = 0; k < n; ++k) {
            cum += weight_[static_cast<std::size_t>(by_target_[k].row)];
            if (cum >= half) {
                median = by_target_[k].v;
                if (cum == half && k + 1 < n) {
                    median = (by_target_[k].v + by_target_[k + 1].v) / 2.0;
                }
                break;
            }
        }
        double dev = 0.0;
        for (std::size_t k = 0; k < n; ++k) {
            dev += std::fabs(by_target_[k].v - median) *
                   weight_[static_cast<std::size_t>(by_target_[k].row)];
        }
        return total > 0 ? dev / total : 0.0;
    }

    // Ranks the node's rows by target (ties by row) for the MedianTracker sweeps.
    void rank_targets(std::size_t start, std::size_t end) {
        const std::size_t n = end - start;
        for (std::size_t k = 0; k < n; ++k) {
            const auto r = rows_[start + k];
            by_target_[k] = {y_real_[static_cast<std::size_t>(r)], r};
        }
        std::sort(by_target_.begin(),
                  by_target_.begin() + static_cast<std::ptrdiff_t>(n),
                  [](const Item& a, const Item& b) {
                      return a.v < b.v || (a.v == b.v && a.row < b.row);
                  });
        for (std::size_t k = 0; k < n; ++k) {
            const auto r = static_cast<std::size_t>(by_target_[k].row);
            rank_of_row_[r] = static_cast<int>(k + 1);
            rank_y_[k + 1] = by_target_[k].v;
            rank_w_[k + 1] = weight_[r];
        }
    }

    // Writes the node's value (class probabilities or weighted mean) and keeps its totals;
    // returns whether the node is pure (nothing left to separate).
    bool node_statistics(std::size_t start,
                         std::size_t end,
                         double* value,
                         const double* class_totals = nullptr) {
        std::fill(node_stats_.begin(), node_stats_.end(), 0.0);
        double sq = 0.0;
        double lo = std::numeric_limits<double>::infinity();
        double hi = -lo;
        if (class_totals != nullptr && classification()) {
            std::copy(class_totals, class_totals + k_, node_stats_.begin());
            end = start; // nothing left to sum
        }
        for (std::size_t k = start; k < end; ++k) {
            add(node_stats_.data(), rows_[k]);
            if (!classification()) {
                const auto s = static_cast<std::size_t>(rows_[k]);
                sq += weight_[s] * y_real_[s] * y_real_[s];
                lo = std::min(lo, y_real_[s]);
                hi = std::max(hi, y_real_[s]);
            }
        }
        node_total_ = sum_weight(node_stats_.data());
        node_impurity_ = impurity_of(node_stats_.data(), sq);
        if (!(node_total_ > 0)) {
            // Only reachable for a forest tree whose bootstrap drew rows of weight 0 alone.
            std::fill(value, value + (classification() ? k_ : 1), 0.0);
            return true;
        }
        if (classification()) {
            int non_empty = 0;
            for (std::size_t c = 0; c < k_; ++c) {
                value[c] = node_stats_[c] / node_total_;
                non_empty += node_stats_[c] > 0;
            }
            return non_empty <= 1;
        }
        value[0] = node_stats_[1] / node_total_;
        if (absolute_error()) {
            node_impurity_ = median_of_range(start, end, value[0]);
        }
        // Equal targets are pure whatever the rounding of a computed variance says.
        return lo == hi;
    }

    Split best_split(std::size_t start, std::size_t end, Random& rng) {
        Split best;
        const auto d = static_cast<int>(d_);
        if (absolute_error()) {
            rank_targets(start, end);
        }
        if (settings_.max_features >= d && !settings_.random_splits) {
            // Every feature, in index order: ties between features go to the lowest index.
            for (int f = 0; f < d; ++f) {
                scan_feature(f, start, end, best, rng);
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
            examined += scan_feature(perm_[static_cast<std::size_t>(k)], start, end, best, rng);
        }
        return best;
    }

    // Offers the cut whose present-value side left of the threshold has statistics `left`
    // (n_left rows), with the node's missing rows (miss_, n_miss_) sent either way.
    void offer(const double* left,
               std::size_t n_left,
               std::size_t n_node,
               double threshold,
               int f,
               bool present_cut,
               Split& best) {
        const std::size_t min_leaf = static_cast<std::size_t>(settings_.min_samples_leaf);
        for (int side = 0; side < 2; ++side) {
            const bool miss_left = side == 0;
            if (n_miss_ == 0 && !miss_left) {
                break;
            }
            if (!present_cut && miss_left) {
                continue; // the "present left, missing right" cut has one direction only
            }
            const std::size_t nl = n_left + (miss_left ? n_miss_ : 0);
            if (nl < min_leaf || n_node - nl < min_leaf) {
                continue;
            }
            const double* m = miss_left && n_miss_ > 0 ? miss_.data() : nullptr;
            double wl = 0.0;
            double wr = 0.0;
            const double q = proxy(left, m, wl, wr);
            consider(q, wl, wr, threshold, f, miss_left, best);
        }
    }

    // Keeps the candidate of proxy q (side weights wl, wr) if it beats `best`.
    void
    consider(double q, double wl, double wr, double threshold, int f, bool miss_left, Split& best) {
        if (!(wl > 0) || !(wr > 0)) {
            return;
        }
        if (q > best.proxy) {
            best.proxy = q;
            best.feature = f;
            best.threshold = threshold;
            // With no missing rows here, missing values follow the heavier child.
            best.missing_left = n_miss_ > 0 ? miss_left : wl >= wr;
        }
    }

    // Absolute error: offers every cut of the present values items_[0, m) (sorted by feature
    // value), with the node's missing rows either way. The proxy is minus the summed absolute
    // deviations of both sides from their weighted medians, found by sweeping a MedianTracker
    // from the left (prefixes) and from the right (suffixes), with and without the missing
    // rows: O(m log m).
    void scan_sorted_absolute_error(int f, std::size_t m, std::size_t n_node, Split& best) {
        const std::size_t min_leaf = static_cast<std::size_t>(settings_.min_samples_leaf);
        const bool any_missing = n_miss_ > 0;
        // dev_ blocks: 0 prefix without missing, 1 prefix with, 2 suffix without, 3 with.
        auto block = [&](int b) { return static_cast<std::size_t>(b) * m_; };
        for (int with = 0; with < (any_missing ? 2 : 1); ++with) {
            tracker_.reset(n_node, rank_y_.data(), rank_w_.data());
            for (int r : miss_rows_) {
                if (with) {
                    tracker_.insert(rank(r));
                }
            }
            for (std::size_t k = 0; k < m; ++k) {
                tracker_.insert(rank(items_[k].row));
                dev_[block(with) + k] = tracker_.abs_deviation();
                dev_w_[block(with) + k] = tracker_.weight();
            }
            tracker_.reset(n_node, rank_y_.data(), rank_w_.data());
            for (int r : miss_rows_) {
                if (with) {
                    tracker_.insert(rank(r));
                }
            }
            for (std::size_t k = m; k-- > 0;) {
                dev_[block(2 + with) + k] = tracker_.abs_deviation();
                dev_w_[block(2 + with) + k] = tracker_.weight();
                tracker_.insert(rank(items_[k].row));
            }
        }
        auto try_cut = [&](std::size_t k, double threshold, bool miss_left) {
            const std::size_t nl = k + 1 + (miss_left ? n_miss_ : 0);
            if (nl < min_leaf || n_node - nl < min_leaf) {
                return;
            }
            const std::size_t l = block(miss_left && any_missing ? 1 : 0) + k;
            const std::size_t r = block(!miss_left && any_missing ? 3 : 2) + k;
            consider(-(dev_[l] + dev_[r]), dev_w_[l], dev_w_[r], threshold, f, miss_left, best);
        };
        for (std::size_t k = 0; k < m; ++k) {
            if (k + 1 < m) {
                if (items_[k].v < items_[k + 1].v) {
                    const double t = split_midpoint(items_[k].v, items_[k + 1].v);
                    try_cut(k, t, true);
                    if (any_missing) {
                        try_cut(k, t, false);
                    }
                }
            } else if (any_missing) {
                try_cut(k, kAllPresent, false);
            }
        }
    }

    std::size_t rank(int row) const noexcept {
        return static_cast<std::size_t>(rank_of_row_[static_cast<std::size_t>(row)]);
    }

    // A quantity that orders candidate splits of one node like the impurity decrease does,
    // without the terms that are equal for all of them (scikit-learn's "proxy" idea), for the
    // left side `l` (plus `m` when not null) against the rest of the node:
    //   gini:          sum_c l_c^2 / w_l + sum_c r_c^2 / w_r
    //   entropy:       sum_c l_c ln l_c - w_l ln w_l + (the same for the right side)
    //   squared error: s_l^2 / w_l + s_r^2 / w_r   (s = weighted target sums)
    // Also returns the two side weights.
    double proxy(const double* l, const double* m, double& wl, double& wr) const {
        const double* t = node_stats_.data();
        switch (settings_.rule) {
        case SplitRule::gini: {
            double ql = 0, qr = 0;
            for (std::size_t c = 0; c < k_; ++c) {
                const double a = l[c] + (m ? m[c] : 0.0);
                const double b = t[c] - a;
                wl += a;
                wr += b;
                ql += a * a;
                qr += b * b;
            }
            return ql / wl + qr / wr;
        }
        case SplitRule::entropy: {
            double e = 0;
            for (std::size_t c = 0; c < k_; ++c) {
                const double a = l[c] + (m ? m[c] : 0.0);
                const double b = t[c] - a;
                wl += a;
                wr += b;
                e += xlogx(a) + xlogx(b);
            }
            return e - xlogx(wl) - xlogx(wr);
        }
        case SplitRule::squared_error: {
            wl = l[0] + (m ? m[0] : 0.0);
            const double sl = l[1] + (m ? m[1] : 0.0);
            wr = t[0] - wl;
            const double sr = t[1] - sl;
            return sl * sl / wl + sr * sr / wr;
        }
        case SplitRule::absolute_error:
            break; // searched by scan_sorted_absolute_error and random_cut
        }
        return 0.0;
    }

    static double xlogx(double x) noexcept { return x > 0 ? x * std::log(x) : 0.0; }

    // Updates `best` with the best cut of feature f; returns false if f is constant here.
    bool scan_feature(int f, std::size_t start, std::size_t end, Split& best, Random& rng) {
        const auto fs = static_cast<std::size_t>(f);
        const std::size_t n_node = end - start;
        if (!settings_.random_splits && n_node > kHistogramRows && !absolute_error()) {
            int found = scan_histogram(f, start, end, best);
            if (found >= 0) {
                return found != 0;
            }
        }
        // Exact: gather the present values, sort, try every cut between distinct values.
        const double* col = X_.data() + fs * n_;
        std::fill(miss_.begin(), miss_.end(), 0.0);
        n_miss_ = 0;
        miss_rows_.clear();
        std::size_t m = 0;
        for (std::size_t k = start; k < end; ++k) {
            const int r = rows_[k];
            const double v = col[r];
            if (std::isnan(v)) {
                add(miss_.data(), r);
                ++n_miss_;
                if (absolute_error()) {
                    miss_rows_.push_back(r);
                }
            } else {
                items_[m++] = {v, r};
            }
        }
        if (m == 0) {
            return false;
        }
        double lo = items_[0].v;
        double hi = lo;
        for (std::size_t k = 1; k < m; ++k) {
            lo = std::min(lo, items_[k].v);
            hi = std::max(hi, items_[k].v);
        }
        if (lo == hi && n_miss_ == 0) {
            return false;
        }
        if (settings_.random_splits) {
            random_cut(f, start, end, lo, hi, best, rng);
            return true;
        }
        std::sort(items_.begin(),
                  items_.begin() + static_cast<std::ptrdiff_t>(m),
                  [](const Item& a, const Item& b) { return a.v < b.v; });
        if (absolute_error()) {
            scan_sorted_absolute_error(f, m, n_node, best);
            return true;
        }
        std::fill(left_stats_.begin(), left_stats_.end(), 0.0);
        for (std::size_t k = 0; k < m; ++k) {
            add(left_stats_.data(), items_[k].row);
            if (k + 1 < m) {
                if (items_[k].v < items_[k + 1].v) {
                    offer(left_stats_.data(),
                          k + 1,
                          n_node,
                          split_midpoint(items_[k].v, items_[k + 1].v),
                          f,
                          true,
                          best);
                }
            } else if (n_miss_ > 0) {
                offer(left_stats_.data(), m, n_node, kAllPresent, f, false, best);
            }
        }
        return true;
    }

    // Histogram search of feature f; returns 1 (searched), 0 (constant) or -1 (present values
    // all in one bin of a quantile-binned column: the caller searches exactly).
    int scan_histogram(int f, std::size_t start, std::size_t end, Split& best) {
        // hist_ and hist_rows_ are all zero between calls: each call clears the bins it
        // filled, so a node of 40 rows does not pay for clearing and scanning all 256 bins.
        const auto fs = static_cast<std::size_t>(f);
        const std::size_t n_node = end - start;
        std::fill(miss_.begin(), miss_.end(), 0.0);
        n_miss_ = 0;
        std::size_t first = 256; // lowest and highest bin holding a row
        std::size_t last = 0;
        const std::uint8_t* code = bins_.codes.data() + fs * n_;
        if (classification()) {
            // The hottest loop of a fit: one pass, class weight into its bin.
            double* hist = hist_.data();
            int* hist_rows = hist_rows_.data();
            const double* w = row_weight_.data();
            const int* cls = row_class_.data();
            for (std::size_t k = start; k < end; ++k) {
                const std::size_t b = code[rows_[k]];
                const auto c = static_cast<std::size_t>(cls[k]);
                if (b == kMissingBin) {
                    miss_[c] += w[k];
                    ++n_miss_;
                } else {
                    hist[b * k_ + c] += w[k];
                    ++hist_rows[b];
                    first = std::min(first, b);
                    last = std::max(last, b);
                }
            }
        } else {
            for (std::size_t k = start; k < end; ++k) {
                const int r = rows_[k];
                const std::size_t b = code[r];
                if (b == kMissingBin) {
                    add(miss_.data(), r);
                    ++n_miss_;
                } else {
                    add(hist_.data() + b * k_, r);
                    ++hist_rows_[b];
                    first = std::min(first, b);
                    last = std::max(last, b);
                }
            }
        }
        if (first > last) {
            return 0; // every value missing
        }
        const bool exact = bins_.exact[fs] != 0;
        if (first == last && n_miss_ == 0) {
            clear_bin(first);
            return exact ? 0 : -1;
        }
        std::fill(left_stats_.begin(), left_stats_.end(), 0.0);
        std::size_t n_left = 0;
        std::size_t prev = 256;
        for (std::size_t b = first; b <= last; ++b) {
            if (hist_rows_[b] == 0) {
                continue;
            }
            if (prev < 256) {
                // Cut between bins prev and b: in an exact column halfway between their
                // values, else at prev's upper edge.
                const double t = exact ? split_midpoint(bins_.value[fs][prev], bins_.value[fs][b])
                                       : bins_.edges[fs][prev];
                offer(left_stats_.data(), n_left, n_node, t, f, true, best);
            }
            for (std::size_t c = 0; c < k_; ++c) {
                left_stats_[c] += hist_[b * k_ + c];
            }
            n_left += static_cast<std::size_t>(hist_rows_[b]);
            clear_bin(b);
            prev = b;
        }
        if (n_miss_ > 0) {
            offer(left_stats_.data(), n_left, n_node, kAllPresent, f, false, best);
        }
        return 1;
    }

    void clear_bin(std::size_t b) noexcept {
        std::fill(hist_.begin() + static_cast<std::ptrdiff_t>(b * k_),
                  hist_.begin() + static_cast<std::ptrdiff_t>((b + 1) * k_),
                  0.0);
        hist_rows_[b] = 0;
    }

    // Extremely randomized trees: one threshold drawn uniformly in [lo, hi) of the node's
    // present values (items_[0, m) hold them, unsorted).
    void random_cut(
        int f, std::size_t start, std::size_t end, double lo, double hi, Split& best, Random& rng) {
        const std::size_t n_node = end - start;
        double t = lo;
        if (lo < hi) {
            t = lo + (hi - lo) * rng.uniform01();
            if (!(t >= lo && t < hi)) {
                t = lo;
            }
        }
        const double* col = X_.data() + static_cast<std::size_t>(f) * n_;
        std::fill(left_stats_.begin(), left_stats_.end(), 0.0);
        std::size_t n_left = 0;
        for (std::size_t k = start; k < end; ++k) {
            const int r = rows_[k];
            if (col[r] <= t) {
                add(left_stats_.data(), r);
                ++n_left;
            }
        }
        if (absolute_error()) {
            random_cut_absolute_error(f, start, end, t, lo < hi, n_left, best);
            return;
        }
        if (lo < hi) {
            offer(left_stats_.data(), n_left, n_node, t, f, true, best);
        } else {
            offer(left_stats_.data(), n_left, n_node, kAllPresent, f, false, best);
        }
    }

    // The random cut `t` under absolute error: the deviations of both sides, with the missing
    // rows (miss_rows_) on either side, each from a MedianTracker filled for the purpose.
    void random_cut_absolute_error(int f,
                                   std::size_t start,
                                   std::size_t end,
                                   double t,
                                   bool present_cut,
                                   std::size_t n_left,
                                   Split& best) {
        const std::size_t n_node = end - start;
        const std::size_t min_leaf = static_cast<std::size_t>(settings_.min_samples_leaf);
        const double* col = X_.data() + static_cast<std::size_t>(f) * n_;
        auto side = [&](bool left, bool with_missing, double& w) {
            tracker_.reset(n_node, rank_y_.data(), rank_w_.data());
            for (std::size_t k = start; k < end; ++k) {
                const int r = rows_[k];
                const double v = col[r];
                if (std::isnan(v) ? with_missing : (v <= t) == left) {
                    tracker_.insert(rank(r));
                }
            }
            w = tracker_.weight();
            return tracker_.abs_deviation();
        };
        for (int s = 0; s < 2; ++s) {
            const bool miss_left = s == 0;
            if (n_miss_ == 0 && !miss_left) {
                break;
            }
            if (!present_cut && miss_left) {
                continue;
            }
            const std::size_t nl = n_left + (miss_left ? n_miss_ : 0);
            if (nl < min_leaf || n_node - nl < min_leaf) {
                continue;
            }
            double wl = 0.0;
            double wr = 0.0;
            const double dl = side(true, miss_left && n_miss_ > 0, wl);
            const double dr = side(false, !miss_left && n_miss_ > 0, wr);
            consider(-(dl + dr), wl, wr, present_cut ? t : kAllPresent, f, miss_left, best);
        }
    }

    // Splits the node's rows stably into those going left, then the rest; fills left_stats_,
    // right_stats_ (and their squared target sums) and returns the first right position.
    std::size_t partition(std::size_t start, std::size_t end, const Split& split) {
        const double* col = X_.data() + static_cast<std::size_t>(split.feature) * n_;
        std::fill(left_stats_.begin(), left_stats_.end(), 0.0);
        std::fill(right_stats_.begin(), right_stats_.end(), 0.0);
        left_sq_ = 0.0;
        right_sq_ = 0.0;
        std::size_t l = start;
        std::size_t r = 0;
        if (classification()) {
            for (std::size_t k = start; k < end; ++k) {
                const int s = rows_[k];
                const double v = col[s];
                const bool go_left = v <= split.threshold || (std::isnan(v) && split.missing_left);
                const int c = row_class_[k];
                const double w = row_weight_[k];
                if (go_left) {
                    left_stats_[static_cast<std::size_t>(c)] += w;
                    row_class_[l] = c;
                    row_weight_[l] = w;
                    rows_[l++] = s;
                } else {
                    right_stats_[static_cast<std::size_t>(c)] += w;
                    scratch_class_[r] = c;
                    scratch_weight_[r] = w;
                    scratch_[r++] = s;
                }
            }
            const auto n_right = static_cast<std::ptrdiff_t>(r);
            const auto at = static_cast<std::ptrdiff_t>(l);
            std::copy(scratch_.begin(), scratch_.begin() + n_right, rows_.begin() + at);
            std::copy(
                scratch_class_.begin(), scratch_class_.begin() + n_right, row_class_.begin() + at);
            std::copy(scratch_weight_.begin(),
                      scratch_weight_.begin() + n_right,
                      row_weight_.begin() + at);
            return l;
        }
        for (std::size_t k = start; k < end; ++k) {
            const int s = rows_[k];
            const double v = col[s];
            const bool go_left = v <= split.threshold || (std::isnan(v) && split.missing_left);
            const double sq = classification() ? 0.0
                                               : weight_[static_cast<std::size_t>(s)] *
                                                     y_real_[static_cast<std::size_t>(s)] *
                                                     y_real_[static_cast<std::size_t>(s)];
            if (go_left) {
                add(left_stats_.data(), s);
                left_sq_ += sq;
                rows_[l++] = s;
            } else {
                add(right_stats_.data(), s);
                right_sq_ += sq;
                scratch_[r++] = s;
            }
        }
        std::copy(scratch_.begin(),
                  scratch_.begin() + static_cast<std::ptrdiff_t>(r),
                  rows_.begin() + static_cast<std::ptrdiff_t>(l));
        return l;
    }

    const Matrix& X_;
    const BinnedColumns& bins_;
    TreeSettings settings_;
    const int* y_class_;
    int n_classes_;
    const double* y_real_;
    std::size_t n_;
    std::size_t d_;
    std::size_t k_; ///< width of the statistics: classes, or 2 (weight, target sum)
    std::size_t m_ = 0;

    std::vector<double> weight_;
    std::vector<int> rows_;
    std::vector<int> scratch_;
    // Classification: the class and weight of rows_[k] at position k, kept in step with rows_
    // by partition. The histogram scan and the partition then read them in order; looked up
    // through the row index they would cost two cache misses per row and feature.
    std::vector<int> row_class_, scratch_class_;
    std::vector<double> row_weight_, scratch_weight_;
    std::vector<Item> items_;
    std::vector<int> perm_;
    std::vector<double> node_stats_, left_stats_, right_stats_, miss_, hist_;
    std::vector<double> node_value_;
    // Absolute error only: the node's rows ranked by target, the sweep results and the
    // current feature's missing rows.
    std::vector<int> rank_of_row_;
    std::vector<double> rank_y_, rank_w_;
    std::vector<Item> by_target_;
    std::vector<double> dev_, dev_w_;
    std::vector<int> miss_rows_;
    MedianTracker tracker_;
    std::vector<int> hist_rows_;
    std::size_t n_miss_ = 0;
    double node_total_ = 0.0;
    double node_impurity_ = 0.0;
    double root_weight_ = 1.0;
    double left_sq_ = 0.0;
    double right_sq_ = 0.0;
};

} // namespace detail
} // namespace prognos
