// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Minimal cost-complexity pruning of a grown FlatTree, as scikit-learn's ccp_alpha does it.
///
/// The cost of a subtree T is R(T) + alpha * |leaves(T)|, where R sums over T's leaves the
/// weighted impurity weight(leaf) / weight(root) * impurity(leaf). Collapsing the branch at a
/// split node t into a leaf raises R by R(t) - R(branch t) and removes leaves(t) - 1 leaves,
/// so t's effective alpha is (R(t) - R(branch t)) / (leaves(t) - 1). The weakest link (the
/// smallest effective alpha, the lowest node index on ties) is collapsed, the sums along its
/// ancestors are updated, and this repeats while the weakest alpha is <= ccp_alpha. Recording
/// each step's alpha and the remaining R gives the pruning path.
///
/// This works on the fitted tree alone because every FlatTree node keeps its impurity, weight
/// and value: a collapsed split becomes a leaf that predicts the value it already holds. The
/// kept nodes are then copied in pre-order into a fresh FlatTree, and importances are summed
/// again over the remaining splits, so the result is an ordinary tree for prediction, missing
/// value routing (kept splits keep their direction) and serialization.
///
/// Each step scans every node, so pruning a tree of n nodes costs O(n^2) in the worst case
/// (many small steps), as scikit-learn's does; it runs once per tree after growing.

#include <prognos/tree/flat_tree.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace prognos {

/// The sequence of subtrees minimal cost-complexity pruning visits, as scikit-learn's
/// cost_complexity_pruning_path returns it: ccp_alphas[0] = 0 with the full tree's total leaf
/// impurity, then after each collapse the effective alpha of the collapsed node and the total
/// leaf impurity left; the last entry is the tree pruned to its root.
struct CostComplexityPath {
    /// Effective alphas, non-decreasing.
    std::vector<double> ccp_alphas;
    /// Sum over the leaves of weight(leaf) / weight(root) * impurity(leaf), per alpha.
    std::vector<double> impurities;
};

namespace detail {

/// Sums over the splits of `tree` their weighted impurity decrease per feature (the
/// builder's importances, recomputed from the node arrays).
inline std::vector<double> split_importances(const FlatTree& tree) {
    std::vector<double> imp(static_cast<std::size_t>(tree.n_features), 0.0);
    for (std::size_t i = 0; i < tree.feature.size(); ++i) {
        if (tree.feature[i] < 0) {
            continue;
        }
        const auto l = static_cast<std::size_t>(tree.left[i]);
        const auto r = static_cast<std::size_t>(tree.right[i]);
        const double decrease = tree.weight[i] * tree.impurity[i] -
                                tree.weight[l] * tree.impurity[l] -
                                tree.weight[r] * tree.impurity[r];
        imp[static_cast<std::size_t>(tree.feature[i])] += std::max(0.0, decrease);
    }
    return imp;
}

/**
 * Runs weakest-link pruning on `tree` while the weakest effective alpha is <= `ccp_alpha`
 * (pass infinity to prune down to the root). When `path` is not null, the path is recorded.
 * When `apply` is true and anything was collapsed, `tree` is replaced by the pruned tree,
 * renumbered in pre-order and compiled.
 */
inline void
cost_complexity_prune(FlatTree& tree, double ccp_alpha, bool apply, CostComplexityPath* path) {
    const std::size_t n = tree.feature.size();
    if (n == 0) {
        return;
    }
    const double total = tree.weight[0];
    std::vector<int> parent(n, -1);
    std::vector<double> r_node(n, 0.0);
    std::vector<double> r_branch(n, 0.0);
    std::vector<long long> n_leaves(n, 0);
    // in_tree: not below a collapsed node; leaf: a leaf of the current subtree.
    std::vector<std::uint8_t> in_tree(n, 1);
    std::vector<std::uint8_t> leaf(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
        r_node[i] = total > 0 ? tree.weight[i] * tree.impurity[i] / total : 0.0;
        if (tree.feature[i] >= 0) {
            parent[static_cast<std::size_t>(tree.left[i])] = static_cast<int>(i);
            parent[static_cast<std::size_t>(tree.right[i])] = static_cast<int>(i);
        } else {
            leaf[i] = 1;
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (!leaf[i]) {
            continue;
        }
        r_branch[i] = r_node[i];
        n_leaves[i] = 1;
        for (int a = parent[i]; a >= 0; a = parent[static_cast<std::size_t>(a)]) {
            r_branch[static_cast<std::size_t>(a)] += r_node[i];
            ++n_leaves[static_cast<std::size_t>(a)];
        }
    }
    if (path != nullptr) {
        path->ccp_alphas.assign(1, 0.0);
        path->impurities.assign(1, r_branch[0]);
    }

    bool pruned = false;
    std::vector<std::size_t> stack;
    while (!leaf[0]) {
        double weakest = std::numeric_limits<double>::max();
        std::size_t at = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (!in_tree[i] || leaf[i]) {
                continue;
            }
            const double alpha = (r_node[i] - r_branch[i]) / static_cast<double>(n_leaves[i] - 1);
            if (alpha < weakest) {
                weakest = alpha;
                at = i;
            }
        }
        if (weakest > ccp_alpha) {
            break;
        }
        pruned = true;
        // Everything below `at` leaves the subtree; `at` becomes a leaf.
        stack.assign(1, at);
        while (!stack.empty()) {
            const std::size_t u = stack.back();
            stack.pop_back();
            if (u != at) {
                in_tree[u] = 0;
            }
            if (tree.feature[u] >= 0 && (u == at || !leaf[u])) {
                stack.push_back(static_cast<std::size_t>(tree.left[u]));
                stack.push_back(static_cast<std::size_t>(tree.right[u]));
            }
        }
        leaf[at] = 1;
        const long long removed = n_leaves[at] - 1;
        const double r_diff = r_node[at] - r_branch[at];
        n_leaves[at] = 1;
        r_branch[at] = r_node[at];
        for (int a = parent[at]; a >= 0; a = parent[static_cast<std::size_t>(a)]) {
            n_leaves[static_cast<std::size_t>(a)] -= removed;
            r_branch[static_cast<std::size_t>(a)] += r_diff;
        }
        if (path != nullptr) {
            path->ccp_alphas.push_back(weakest);
            path->impurities.push_back(r_branch[0]);
        }
    }
    if (!apply || !pruned) {
        return;
    }

    // Copy the kept nodes in pre-order (a node, its left subtree, its right subtree).
    FlatTree out;
    out.n_features = tree.n_features;
    out.value_width = tree.value_width;
    const auto width = static_cast<std::size_t>(tree.value_width);

    struct Pending {
        std::size_t node;
        int parent;
        bool is_left;
    };

    std::vector<Pending> todo{{0, -1, false}};
    while (!todo.empty()) {
        const Pending p = todo.back();
        todo.pop_back();
        const int id = static_cast<int>(out.feature.size());
        if (p.parent >= 0) {
            (p.is_left ? out.left : out.right)[static_cast<std::size_t>(p.parent)] = id;
        }
        const std::size_t u = p.node;
        const bool is_leaf = leaf[u] != 0;
        out.feature.push_back(is_leaf ? -1 : tree.feature[u]);
        out.threshold.push_back(is_leaf ? 0.0 : tree.threshold[u]);
        out.left.push_back(-1);
        out.right.push_back(-1);
        out.missing_left.push_back(is_leaf ? 0 : tree.missing_left[u]);
        out.impurity.push_back(tree.impurity[u]);
        out.weight.push_back(tree.weight[u]);
        out.values.insert(out.values.end(),
                          tree.values.begin() + static_cast<std::ptrdiff_t>(u * width),
                          tree.values.begin() + static_cast<std::ptrdiff_t>((u + 1) * width));
        if (!is_leaf) {
            todo.push_back({static_cast<std::size_t>(tree.right[u]), id, false});
            todo.push_back({static_cast<std::size_t>(tree.left[u]), id, true});
        }
    }
    out.importances = split_importances(out);
    out.compile();
    tree = std::move(out);
}

} // namespace detail
} // namespace prognos
