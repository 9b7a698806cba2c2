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
/// predict time. Every node keeps its value (class probabilities or the mean target), not only
/// the leaves, so a truncated view of the tree would still have something to say; predict reads
/// leaves only.

#include <prognos/core/types.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
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

    /// Number of nodes.
    Index node_count() const noexcept { return static_cast<Index>(feature.size()); }

    /// Index of the leaf that row `x` (n_features values) falls into.
    int find_leaf(const double* x) const noexcept {
        const int* feat = feature.data();
        const double* thr = threshold.data();
        const int* lo = left.data();
        const int* hi = right.data();
        int node = 0;
        while (feat[node] >= 0) {
            node = x[feat[node]] <= thr[node] ? lo[node] : hi[node];
        }
        return node;
    }

    /// Pointer to the `value_width` values of the leaf that row `x` falls into.
    const double* leaf_values(const double* x) const noexcept {
        return values.data() + static_cast<std::size_t>(find_leaf(x)) * value_width;
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
        if (value_width < 1 || values.size() != n * static_cast<std::size_t>(value_width)) {
            return "values has " + std::to_string(values.size()) + " entries, expected " +
                   std::to_string(n) + " nodes x " + std::to_string(value_width);
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
    /// (validate), because only it knows the expected width and feature count.
    template <class Archive>
    void serialize(Archive& ar) {
        ar("n_features", n_features);
        ar("value_width", value_width);
        ar("feature", feature);
        ar("threshold", threshold);
        ar("left", left);
        ar("right", right);
        ar("values", values);
    }

    friend bool operator==(const FlatTree& a, const FlatTree& b) {
        return a.n_features == b.n_features && a.value_width == b.value_width &&
               a.feature == b.feature && a.threshold == b.threshold && a.left == b.left &&
               a.right == b.right && a.values == b.values;
    }

    friend bool operator!=(const FlatTree& a, const FlatTree& b) { return !(a == b); }
};

} // namespace prognos
