// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// IsolationForest: anomaly detection for unlabeled sensor data (Liu, Ting and Zhou, 2008).
///
/// Most plants have few recorded failures, so a model that needs no labels is often the first
/// one that can be trained. Each tree isolates a random subsample of max_samples rows by
/// splitting on a random feature at a uniformly drawn threshold until every row is alone or the
/// depth reaches ceil(log2(max_samples)); anomalies, being few and different, are isolated
/// close to the root. A row's path length h in a tree is the depth of its leaf plus c(n), the
/// average path length of an unbuilt subtree over the n rows left in that leaf, with
/// c(n) = 2 H(n - 1) - 2 (n - 1) / n, H(i) = ln(i) + Euler's constant, c(2) = 1, c(1) = 0.
/// The anomaly score is 2^(-mean h / c(max_samples)), in (0, 1]: near 1 for anomalies, about 0.5
/// or less for ordinary rows.
///
/// The trees are FlatTree values whose leaves hold the path length, so prediction shares the
/// packed, lockstep walk of the random forests; the mean path length adds the trees in tree
/// order, and tree t draws from Random(seed, t) only, so results do not depend on n_jobs.
/// scikit-learn's conventions are kept: score_samples is minus the anomaly score,
/// decision_function is score_samples - offset(), predict returns -1 for outliers and 1 for
/// inliers. offset() is -0.5 for contamination "auto" (negative value), else the contamination
/// quantile of the training scores.
///
/// Known shortcomings: missing values are rejected (NaN throws bad_value); max_features is
/// always 1 feature per split (scikit-learn's default) and there is no warm start.

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/parallel.hpp>
#include <prognos/core/random.hpp>
#include <prognos/core/types.hpp>
#include <prognos/ensemble/random_forest.hpp>
#include <prognos/tree/flat_tree.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

namespace prognos {

namespace detail {

/// c(n): average path length of an unsuccessful search in a binary search tree of n rows,
/// the normaliser of isolation depths.
inline double average_path_length(double n) noexcept {
    if (n <= 1.0) {
        return 0.0;
    }
    if (n <= 2.0) {
        return 1.0;
    }
    const double euler = 0.5772156649015329;
    return 2.0 * (std::log(n - 1.0) + euler) - 2.0 * (n - 1.0) / n;
}

/// Grows one isolation tree on `rows` of X.
inline FlatTree
grow_isolation_tree(const Matrix& X, std::vector<int> rows, int max_depth, Random& rng) {
    const auto d = static_cast<int>(X.cols());
    const auto n = static_cast<std::size_t>(X.rows());
    FlatTree tree;
    tree.n_features = d;
    tree.value_width = 1;
    tree.importances.assign(static_cast<std::size_t>(d), 0.0);

    struct Pending {
        std::size_t start, end;
        int depth;
        int parent;
        bool is_left;
    };

    std::vector<Pending> stack{{0, rows.size(), 0, -1, false}};
    std::vector<int> features(static_cast<std::size_t>(d));
    std::vector<int> scratch(rows.size());
    while (!stack.empty()) {
        const Pending p = stack.back();
        stack.pop_back();
        const int id = static_cast<int>(tree.feature.size());
        if (p.parent >= 0) {
            (p.is_left ? tree.left : tree.right)[static_cast<std::size_t>(p.parent)] = id;
        }
        const auto count = static_cast<double>(p.end - p.start);
        tree.feature.push_back(-1);
        tree.threshold.push_back(0.0);
        tree.left.push_back(-1);
        tree.right.push_back(-1);
        tree.missing_left.push_back(0);
        tree.impurity.push_back(0.0);
        tree.weight.push_back(count);
        tree.values.push_back(p.depth + average_path_length(count));
        if (p.end - p.start <= 1 || p.depth >= max_depth) {
            continue;
        }
        // Features in random order until one is not constant here (scikit-learn draws again
        // when the drawn feature cannot split); all constant makes a leaf.
        std::iota(features.begin(), features.end(), 0);
        int chosen = -1;
        double lo = 0.0;
        double hi = 0.0;
        for (int k = 0; k < d && chosen < 0; ++k) {
            const auto j =
                k + static_cast<int>(rng.uniform_index(static_cast<std::uint64_t>(d - k)));
            std::swap(features[static_cast<std::size_t>(k)], features[static_cast<std::size_t>(j)]);
            const int f = features[static_cast<std::size_t>(k)];
            const double* col = X.data() + static_cast<std::size_t>(f) * n;
            lo = hi = col[rows[p.start]];
            for (std::size_t q = p.start + 1; q < p.end; ++q) {
                lo = std::min(lo, col[rows[q]]);
                hi = std::max(hi, col[rows[q]]);
            }
            if (lo < hi) {
                chosen = f;
            }
        }
        if (chosen < 0) {
            continue;
        }
        double t = lo + (hi - lo) * rng.uniform01();
        if (!(t >= lo && t < hi)) {
            t = lo;
        }
        const double* col = X.data() + static_cast<std::size_t>(chosen) * n;
        std::size_t l = p.start;
        std::size_t r = 0;
        for (std::size_t q = p.start; q < p.end; ++q) {
            if (col[rows[q]] <= t) {
                rows[l++] = rows[q];
            } else {
                scratch[r++] = rows[q];
            }
        }
        std::copy(scratch.begin(),
                  scratch.begin() + static_cast<std::ptrdiff_t>(r),
                  rows.begin() + static_cast<std::ptrdiff_t>(l));
        tree.feature.back() = chosen;
        tree.threshold.back() = t;
        stack.push_back({l, p.end, p.depth + 1, id, false});
        stack.push_back({p.start, l, p.depth + 1, id, true});
    }
    tree.compile();
    return tree;
}

} // namespace detail

/// An isolation forest; see the file comment for the scores and their conventions.
class IsolationForest {
public:
    /// Hyper-parameters, with scikit-learn 1.2's names and defaults.
    struct Params {
        /// Number of trees.
        int n_estimators = 100;
        /// Rows drawn (without replacement) per tree; -1 for "auto" = min(256, n_rows).
        int max_samples = -1;
        /// Expected share of outliers in (0, 0.5], or a negative value for "auto" (offset
        /// -0.5, as in the original paper).
        double contamination = -1.0;
        /// Threads for fit and batch scoring; does not change the result.
        int n_jobs = -1;
        /// Seed of every random draw; tree t uses the stream Random(seed, t).
        std::uint64_t seed = 0;
    };

    IsolationForest() = default;

    /// A forest with the given hyper-parameters (checked at fit).
    explicit IsolationForest(Params params)
        : params_(std::move(params)) {}

    /// The name artifacts store this type under (see core/archive.hpp).
    static const char* type_name() noexcept { return "IsolationForest"; }

    /// The hyper-parameters; changes take effect at the next fit.
    Params& params() noexcept { return params_; }

    /// The hyper-parameters.
    const Params& params() const noexcept { return params_; }

    /**
     * Grows the trees on X (one row per sample, finite values) and sets offset().
     * @throws invalid_argument for bad parameters or an empty X, bad_value for NaN/inf.
     */
    IsolationForest& fit(const Matrix& X) {
        const std::string who = "IsolationForest::fit";
        check_training_shape(X, X.rows(), who);
        detail::check_forest_params("IsolationForest", params_.n_estimators, params_.n_jobs);
        if (params_.max_samples == 0 || params_.max_samples < -1) {
            PROGNOS_THROW(invalid_argument("IsolationForest: max_samples must be >= 1 or -1 "
                                           "(auto), got " +
                                           std::to_string(params_.max_samples)));
        }
        if (std::isnan(params_.contamination) ||
            (params_.contamination >= 0 &&
             !(params_.contamination > 0.0 && params_.contamination <= 0.5))) {
            PROGNOS_THROW(invalid_argument(
                "IsolationForest: contamination must be in (0, 0.5] or negative (auto), got " +
                std::to_string(params_.contamination)));
        }
        check_finite(X, who);
        const auto n = static_cast<std::uint64_t>(X.rows());
        const std::uint64_t wanted =
            params_.max_samples < 0 ? 256 : static_cast<std::uint64_t>(params_.max_samples);
        psi_ = static_cast<int>(std::min(wanted, n));
        const int max_depth =
            static_cast<int>(std::ceil(std::log2(std::max(2.0, static_cast<double>(psi_)))));
        trees_.assign(static_cast<std::size_t>(params_.n_estimators), FlatTree());
        parallel_for(trees_.size(), params_.n_jobs, [&](std::size_t t) {
            Random rng(params_.seed, t);
            // Partial Fisher-Yates: the first psi entries are a uniform draw without
            // replacement.
            std::vector<int> all(static_cast<std::size_t>(n));
            std::iota(all.begin(), all.end(), 0);
            for (std::uint64_t k = 0; k < static_cast<std::uint64_t>(psi_); ++k) {
                const std::uint64_t j = k + rng.uniform_index(n - k);
                std::swap(all[static_cast<std::size_t>(k)], all[static_cast<std::size_t>(j)]);
            }
            all.resize(static_cast<std::size_t>(psi_));
            std::sort(all.begin(), all.end());
            trees_[t] = detail::grow_isolation_tree(X, std::move(all), max_depth, rng);
        });
        n_features_ = static_cast<int>(X.cols());
        offset_ = -0.5;
        if (params_.contamination > 0) {
            // numpy's linear percentile of the training scores at 100 * contamination.
            Vector s = score_samples(X);
            std::vector<double> v(s.data(), s.data() + s.size());
            std::sort(v.begin(), v.end());
            const double k = (static_cast<double>(v.size()) - 1) * params_.contamination;
            const auto lo = static_cast<std::size_t>(std::floor(k));
            const auto hi = static_cast<std::size_t>(std::ceil(k));
            offset_ = v[lo] + (v[hi] - v[lo]) * (k - static_cast<double>(lo));
        }
        return *this;
    }

    /// Anomaly score 2^(-mean path length / c(max_samples)) of one row; allocates nothing.
    double anomaly_score_row(const double* x) const {
        const char* who = "IsolationForest::anomaly_score_row";
        if (!is_fitted()) {
            check_fitted(false, who);
        }
        detail::check_row_finite(x, n_features_, who);
        double sum = 0.0;
        detail::add_trees_row(trees_, 0, trees_.size(), x, 1, &sum);
        return score_of(sum / static_cast<double>(trees_.size()));
    }

    /// scikit-learn's score_samples: minus the anomaly score (lower is more abnormal).
    Vector score_samples(const Matrix& X) const {
        const char* who = "IsolationForest::score_samples";
        check_fitted(is_fitted(), who);
        check_n_features(n_features_, X.cols(), who);
        check_finite(X, who);
        const std::vector<double> mean = detail::average_trees(trees_, X, 1, params_.n_jobs);
        Vector out(X.rows());
        for (Index i = 0; i < X.rows(); ++i) {
            out[i] = -score_of(mean[static_cast<std::size_t>(i)]);
        }
        return out;
    }

    /// score_samples - offset(): negative for outliers.
    Vector decision_function(const Matrix& X) const { return score_samples(X).array() - offset_; }

    /// -1 for an outlier (decision_function < 0), 1 for an inlier.
    IntVector predict(const Matrix& X) const {
        const Vector d = decision_function(X);
        IntVector out(d.size());
        for (Index i = 0; i < d.size(); ++i) {
            out[i] = d[i] < 0 ? -1 : 1;
        }
        return out;
    }

    /// The threshold on score_samples below which a row is an outlier.
    double offset() const noexcept { return offset_; }

    /// Rows drawn per tree (max_samples resolved against the training data).
    int max_samples() const noexcept { return psi_; }

    /// Number of features seen at fit.
    Index n_features() const noexcept { return n_features_; }

    /// Whether fit() (or loading) has happened.
    bool is_fitted() const noexcept { return !trees_.empty(); }

    /// The isolation trees; leaves hold path lengths.
    const std::vector<FlatTree>& trees() const noexcept { return trees_; }

    /// Saves or loads parameters (not n_jobs), offset and trees; loading checks every tree.
    template <class Archive>
    void serialize(Archive& ar) {
        ar("n_estimators", params_.n_estimators);
        ar("max_samples", params_.max_samples);
        ar("contamination", params_.contamination);
        ar("seed", params_.seed);
        ar("psi", psi_);
        ar("offset", offset_);
        ar("n_features", n_features_);
        ar.nested_list("trees", trees_);
        if (Archive::loading) {
            ar.require(psi_ >= 1, "psi must be >= 1");
            ar.require(std::isfinite(offset_), "offset must be finite");
            detail::check_loaded_trees(ar, trees_, params_.n_estimators, 1, n_features_);
            detail::compile_trees(trees_);
        }
    }

private:
    double score_of(double mean_path) const noexcept {
        // With one row per tree c(psi) is 0 and every path has length 0: no row is easier
        // to isolate than another, so the depth ratio is taken as 1 (anomaly score 0.5,
        // neither outlier nor inlier), as scikit-learn does.
        const double c = detail::average_path_length(static_cast<double>(psi_));
        return std::pow(2.0, c > 0 ? -mean_path / c : -1.0);
    }

    Params params_;
    int psi_ = 0;
    int n_features_ = 0;
    double offset_ = -0.5;
    std::vector<FlatTree> trees_;
};

} // namespace prognos
