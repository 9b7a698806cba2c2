// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// FlatTree: a fitted binary decision tree stored as parallel arrays, the form every tree
/// model in prognos predicts from.
///
/// Node i is described by feature[i], threshold[i], left[i], right[i] and the `value_width`
/// doubles of its value starting at values[i * value_width]; a leaf has feature -1. Nodes are
/// numbered in depth-first pre-order (a node, then its left subtree, then its right subtree),
/// as scikit-learn numbers them. Flat arrays rather than a pointer tree keep prediction a tight
/// loop over contiguous memory, let a forest hold its trees as plain values, and make the
/// saved form a handful of vectors that are cheap to check when loading.
///
/// The split rule is `x[feature] <= threshold` goes left, compared in double at fit and at
/// predict time; a missing value (NaN) goes left when missing_left[i] is 1, else right. Every
/// node keeps its value (class probabilities or the mean target), its impurity and its training
/// weight, not only the leaves, so importances and pruning can be computed from the tree alone;
/// predict reads leaves only.
///
/// For prediction, compile() packs the nodes into one array of 16-byte records (threshold,
/// feature with the missing direction in bit 30, right child), record i for node i, laid out
/// in pre-order (compile renumbers a loaded tree that is not),
/// so the left child is always the next record: one cache line serves a node and usually its
/// left child, where the parallel arrays cost four loads per node. The packed form is derived
/// data, rebuilt after fitting and after loading, never saved.
///
/// Batch prediction walks a fixed number of rows through one tree side by side
/// (find_leaves); rows without a missing value take step_finite, a compare and a select,
/// instead of step. Both follow the same rule, so every path finds the same leaf.

#include <prognos/core/types.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace prognos {

/// A fitted decision tree as flat arrays; see the file comment for the layout.
class FlatTree {
public:
    /// Feature tested at each node, -1 for a leaf.
    std::vector<int> feature;
    /// Threshold of each split node (`x <= threshold` goes left); 0 for leaves.
    std::vector<double> threshold;
    /// Index of the left child, -1 for a leaf.
    std::vector<int> left;
    /// Index of the right child, -1 for a leaf.
    std::vector<int> right;
    /// `value_width` values per node: class probabilities (classifier) or mean target
    /// (regressor).
    std::vector<double> values;
    /// Number of values per node.
    int value_width = 0;
    /// Number of input features the tree was fitted on.
    int n_features = 0;
    /// Per node: 1 if a missing value goes left at this split, else 0 (0 for leaves).
    std::vector<std::uint8_t> missing_left;
    /// Per node: impurity of its training rows (gini, entropy in bits, or variance).
    std::vector<double> impurity;
    /// Per node: total weight of its training rows.
    std::vector<double> weight;
    /// Per feature: total weighted impurity decrease of the splits on it (unnormalised).
    std::vector<double> importances;

    /// One packed split or leaf; see the file comment.
    struct Node {
        double threshold;
        std::int32_t feature; ///< feature | kMissingLeftBit, or kLeaf
        std::int32_t next;    ///< right child (split) or the node itself (leaf)
    };

    /// Node::feature of a leaf: negative, and feature 0 once masked, so that step() on a leaf
    /// reads a valid column, compares against its NaN threshold (false) and stays put. Walks
    /// of many rows can then step every lane without a branch per lane.
    static constexpr std::int32_t kLeaf = std::numeric_limits<std::int32_t>::min();

    /// Bit of Node::feature that sends missing values left.
    static constexpr std::int32_t kMissingLeftBit = 1 << 30;

    /// Number of nodes.
    Index node_count() const noexcept { return static_cast<Index>(feature.size()); }

    /// Index of the leaf that row `x` (n_features values, NaN for missing) falls into.
    int find_leaf(const double* x) const noexcept {
        if (!packed_.empty()) {
            const Node* nodes = packed_.data();
            int i = 0;
            while (nodes[i].feature >= 0) {
                i = step(nodes[i], x, i);
            }
            return i;
        }
        int node = 0;
        while (feature[static_cast<std::size_t>(node)] >= 0) {
            const auto u = static_cast<std::size_t>(node);
            const double v = x[feature[u]];
            const bool go_left = v <= threshold[u] ||
                                 (std::isnan(v) && missing_left.size() > u && missing_left[u] != 0);
            node = go_left ? left[u] : right[u];
        }
        return node;
    }

    /// One step down from packed node `nd` at position `i` for row `x`. Written without
    /// branches (bitwise | and a mask select), since the direction is data-dependent and a
    /// mispredicted branch costs more than the whole step.
    static int step(const Node& nd, const double* x, int i) noexcept {
        const double v = x[nd.feature & (kMissingLeftBit - 1)];
        const int go_left = static_cast<int>(v <= nd.threshold) |
                            (static_cast<int>(v != v) & (nd.feature >> 30) & 1);
        const int mask = -go_left;
        return ((i + 1) & mask) | (nd.next & ~mask);
    }

    /// step() for a row that holds no missing value: without the NaN rule a step is one
    /// compare and a conditional move. A leaf still steps onto itself (its NaN threshold
    /// compares false), so lockstep walks keep working.
    static int step_finite(const Node& nd, const double* x, int i) noexcept {
        const double v = x[nd.feature & (kMissingLeftBit - 1)];
        const int mask = -static_cast<int>(v <= nd.threshold);
        return ((i + 1) & mask) | (nd.next & ~mask);
    }

    /// Walks L rows (row k at rows + k * stride) down the packed tree side by side and writes
    /// the index of each row's leaf to leaf[k]. `Finite` promises that no row holds a missing
    /// value (step_finite then serves). L is a compile-time constant so that the lanes' node
    /// indices live in registers and every lane's step is written out; the lanes' loads are
    /// independent, so their latencies overlap. All lanes step until the last one reaches
    /// its leaf; lanes already at a leaf step onto themselves.
    template <int L, bool Finite>
    void find_leaves(const double* rows, std::ptrdiff_t stride, int* leaf) const noexcept {
        const Node* nodes = packed_.data();
        int node[L];
        for (int k = 0; k < L; ++k) {
            node[k] = 0;
        }
        for (;;) {
            // ~feature is negative exactly at a split, so the OR is negative while any lane
            // still had a step to take.
            std::int32_t alive = 0;
            for (int k = 0; k < L; ++k) {
                const Node& nd = nodes[node[k]];
                alive |= ~nd.feature;
                node[k] = Finite ? step_finite(nd, rows + k * stride, node[k])
                                 : step(nd, rows + k * stride, node[k]);
            }
            if (alive >= 0) {
                break;
            }
        }
        for (int k = 0; k < L; ++k) {
            leaf[k] = node[k];
        }
    }

    /// The packed nodes (empty before compile()).
    const std::vector<Node>& packed() const noexcept { return packed_; }

    /// Pointer to the `value_width` values of the leaf that row `x` falls into.
    const double* leaf_values(const double* x) const noexcept {
        return values.data() + static_cast<std::size_t>(find_leaf(x)) * value_width;
    }

    /// Builds the packed form from the arrays (call after changing them, after validate()).
    /// Nodes not already numbered in pre-order are renumbered first, so that packed record i
    /// is node i and each split's left child is the next record.
    void compile() {
        const std::size_t n = feature.size();
        if (missing_left.size() != n) {
            missing_left.assign(n, 0);
        }
        std::vector<int> order;
        order.reserve(n);
        std::vector<int> stack{0};
        bool identity = true;
        while (!stack.empty()) {
            const int u = stack.back();
            stack.pop_back();
            identity = identity && u == static_cast<int>(order.size());
            order.push_back(u);
            if (feature[static_cast<std::size_t>(u)] >= 0) {
                stack.push_back(right[static_cast<std::size_t>(u)]);
                stack.push_back(left[static_cast<std::size_t>(u)]);
            }
        }
        if (!identity) {
            renumber(order);
        }
        packed_.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            if (feature[i] < 0) {
                packed_[i] = Node{
                    std::numeric_limits<double>::quiet_NaN(), kLeaf, static_cast<std::int32_t>(i)};
            } else {
                packed_[i] = Node{
                    threshold[i], feature[i] | (missing_left[i] ? kMissingLeftBit : 0), right[i]};
            }
        }
    }

    /// Longest path from the root to a leaf, in edges (a single leaf has depth 0).
    int depth() const {
        if (feature.empty()) {
            return 0;
        }
        // Pre-order numbering puts every child after its parent, so one forward pass knows
        // each parent's depth before it reaches the children.
        std::vector<int> d(feature.size(), 0);
        int deepest = 0;
        for (std::size_t i = 0; i < feature.size(); ++i) {
            if (feature[i] >= 0) {
                d[static_cast<std::size_t>(left[i])] = d[i] + 1;
                d[static_cast<std::size_t>(right[i])] = d[i] + 1;
                deepest = std::max(deepest, d[i] + 1);
            }
        }
        return deepest;
    }

    /// Checks everything find_leaf and leaf_values rely on; returns an empty string when the
    /// tree is sound, else what is wrong. Used after loading, where the data may be damaged.
    std::string validate(int expected_width, int expected_features) const {
        const std::size_t n = feature.size();
        if (n == 0) {
            return "tree has no nodes";
        }
        if (threshold.size() != n || left.size() != n || right.size() != n) {
            return "node arrays differ in length (feature " + std::to_string(n) + ", threshold " +
                   std::to_string(threshold.size()) + ", left " + std::to_string(left.size()) +
                   ", right " + std::to_string(right.size()) + ")";
        }
        if (value_width != expected_width || n_features != expected_features) {
            return "tree shape (value_width " + std::to_string(value_width) + ", n_features " +
                   std::to_string(n_features) + ") does not match its model (" +
                   std::to_string(expected_width) + ", " + std::to_string(expected_features) + ")";
        }
        if (missing_left.size() != n || impurity.size() != n || weight.size() != n) {
            return "missing_left, impurity and weight must have one entry per node";
        }
        if (importances.size() != static_cast<std::size_t>(n_features)) {
            return "importances must have one entry per feature";
        }
        if (n_features >= kMissingLeftBit) {
            return "too many features";
        }
        if (value_width < 1 || values.size() != n * static_cast<std::size_t>(value_width)) {
            return "values has " + std::to_string(values.size()) + " entries, expected " +
                   std::to_string(n) + " nodes x " + std::to_string(value_width);
        }
        // Predict returns these numbers as they are: a NaN here would be a NaN answer.
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (!std::isfinite(values[i])) {
                return "node " + std::to_string(i / static_cast<std::size_t>(value_width)) +
                       " has a non-finite value";
            }
        }
        for (double v : importances) {
            if (!std::isfinite(v)) {
                return "an importance is not finite";
            }
        }
        for (std::size_t i = 0; i < n; ++i) {
            if (missing_left[i] > 1) {
                return "node " + std::to_string(i) + " has missing_left " +
                       std::to_string(missing_left[i]) + ", expected 0 or 1";
            }
        }
        // A sound tree reaches every node exactly once from the root, and each child index is
        // larger than its parent's (pre-order). Requiring child > parent rules out cycles;
        // counting visits rules out shared children; together with n - 1 edges every node is
        // reached, so find_leaf always ends at a leaf.
        std::vector<std::uint8_t> seen(n, 0);
        std::size_t edges = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (feature[i] < 0) {
                if (feature[i] != -1 || left[i] != -1 || right[i] != -1) {
                    return "leaf node " + std::to_string(i) +
                           " must have feature -1 and children -1";
                }
                continue;
            }
            if (!std::isfinite(threshold[i])) {
                return "node " + std::to_string(i) + " has a non-finite threshold";
            }
            if (feature[i] >= n_features) {
                return "node " + std::to_string(i) + " tests feature " +
                       std::to_string(feature[i]) + " but the model has " +
                       std::to_string(n_features) + " features";
            }
            for (int child : {left[i], right[i]}) {
                if (child <= static_cast<long long>(i) || child >= static_cast<long long>(n)) {
                    return "node " + std::to_string(i) + " has child index " +
                           std::to_string(child) + " outside (" + std::to_string(i) + ", " +
                           std::to_string(n) + ")";
                }
                if (seen[static_cast<std::size_t>(child)]++) {
                    return "node " + std::to_string(child) + " has two parents";
                }
                ++edges;
            }
        }
        if (edges != n - 1) {
            return "tree has " + std::to_string(n) + " nodes but " + std::to_string(edges) +
                   " edges; some nodes are unreachable";
        }
        return {};
    }

    /// Saves or loads the arrays. Checking them against the owning model is the owner's job
    /// (validate, then compile), because only it knows the expected width and feature count.
    template <class Archive>
    void serialize(Archive& ar) {
        ar("n_features", n_features);
        ar("value_width", value_width);
        ar("feature", feature);
        ar("threshold", threshold);
        ar("left", left);
        ar("right", right);
        ar("values", values);
        ar("missing_left", missing_left);
        ar("impurity", impurity);
        ar("weight", weight);
        ar("importances", importances);
    }

    friend bool operator==(const FlatTree& a, const FlatTree& b) {
        return a.n_features == b.n_features && a.value_width == b.value_width &&
               a.feature == b.feature && a.threshold == b.threshold && a.left == b.left &&
               a.right == b.right && a.values == b.values && a.missing_left == b.missing_left &&
               a.impurity == b.impurity && a.weight == b.weight && a.importances == b.importances;
    }

    friend bool operator!=(const FlatTree& a, const FlatTree& b) { return !(a == b); }

private:
    // Puts node order[k] at position k in every per-node array.
    void renumber(const std::vector<int>& order) {
        const std::size_t n = order.size();
        std::vector<int> new_id(n);
        for (std::size_t k = 0; k < n; ++k) {
            new_id[static_cast<std::size_t>(order[k])] = static_cast<int>(k);
        }
        auto permute = [&](auto& v, std::size_t width) {
            auto old = v;
            for (std::size_t k = 0; k < n; ++k) {
                std::copy(old.begin() + static_cast<std::ptrdiff_t>(
                                            static_cast<std::size_t>(order[k]) * width),
                          old.begin() + static_cast<std::ptrdiff_t>(
                                            (static_cast<std::size_t>(order[k]) + 1) * width),
                          v.begin() + static_cast<std::ptrdiff_t>(k * width));
            }
        };
        permute(feature, 1);
        permute(threshold, 1);
        permute(left, 1);
        permute(right, 1);
        permute(missing_left, 1);
        permute(impurity, 1);
        permute(weight, 1);
        permute(values, static_cast<std::size_t>(value_width));
        for (std::size_t k = 0; k < n; ++k) {
            if (feature[k] >= 0) {
                left[k] = new_id[static_cast<std::size_t>(left[k])];
                right[k] = new_id[static_cast<std::size_t>(right[k])];
            }
        }
    }

    std::vector<Node> packed_;
};

} // namespace prognos
