// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Random forests: RandomForestClassifier and RandomForestRegressor.
///
/// A forest fits n_estimators CART trees (tree/detail/tree_builder.hpp), each on a bootstrap
/// sample of the rows and with max_features features drawn at every split, and averages their
/// predictions. Trees are plain FlatTree values, the same form a DecisionTree predicts from.
///
/// Reproducibility: tree t draws its bootstrap sample and its feature choices from
/// prognos::Random(seed, t) and from nothing else, and each tree is written into its own slot.
/// The fitted forest is therefore bit-identical for a given seed whatever n_jobs is and
/// whichever thread grew which tree; n_jobs is not part of the saved state for the same reason.
/// Predictions add the trees' outputs in tree order and divide by the number of trees once, so
/// batch and single-row predictions agree to the bit.
///
/// Known shortcomings: missing values are not supported (NaN/inf in X throws bad_value at fit
/// and predict); out-of-bag scores and feature importances are not computed yet.

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/parallel.hpp>
#include <prognos/core/progress.hpp>
#include <prognos/core/random.hpp>
#include <prognos/core/types.hpp>
#include <prognos/tree/decision_tree.hpp>
#include <prognos/tree/detail/fit_support.hpp>
#include <prognos/tree/detail/tree_builder.hpp>
#include <prognos/tree/flat_tree.hpp>
#include <prognos/tree/max_features.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace prognos {
namespace detail {

/// Parameters both forests share, checked with messages naming the estimator.
inline void check_forest_params(const std::string& estimator, int n_estimators, int n_jobs) {
    if (n_estimators < 1) {
        PROGNOS_THROW(invalid_argument(estimator + ": n_estimators must be >= 1, got " +
                                       std::to_string(n_estimators)));
    }
    if (n_jobs < -1) {
        PROGNOS_THROW(invalid_argument(estimator +
                                       ": n_jobs must be positive, 0 or -1 (all cores), got " +
                                       std::to_string(n_jobs)));
    }
}

/**
 * Grows `n_trees` trees on `n_jobs` threads. Tree t gets the generator Random(seed, t), from
 * which it first draws its bootstrap counts (when `bootstrap`) and then its feature choices.
 * `progress` is called only from the calling thread, as trees finish there, and once more at
 * the end, so it never runs concurrently with itself.
 */
inline std::vector<FlatTree> grow_forest(const Matrix& X,
                                         const TreeSettings& settings,
                                         const int* y_class,
                                         int n_classes,
                                         const double* y_real,
                                         int n_trees,
                                         bool bootstrap,
                                         std::uint64_t seed,
                                         int n_jobs,
                                         const ProgressCallback& progress,
                                         const char* estimator) {
    const std::vector<int> presorted = presort_columns(X);
    const auto n = static_cast<std::uint64_t>(X.rows());
    std::vector<FlatTree> trees(static_cast<std::size_t>(n_trees));
    std::atomic<std::size_t> finished{0};
    std::size_t reported = 0;
    const std::thread::id caller = std::this_thread::get_id();
    const auto total = static_cast<std::size_t>(n_trees);

    parallel_for(total, n_jobs, [&](std::size_t t) {
        Random rng(seed, t);
        std::vector<int> counts;
        if (bootstrap) {
            counts.assign(static_cast<std::size_t>(n), 0);
            for (std::uint64_t i = 0; i < n; ++i) {
                ++counts[static_cast<std::size_t>(rng.uniform_index(n))];
            }
        }
        TreeBuilder builder(X, presorted, settings, y_class, n_classes, y_real);
        trees[t] = builder.build(counts, rng);
        const std::size_t done = finished.fetch_add(1) + 1;
        if (progress && std::this_thread::get_id() == caller && done > reported) {
            reported = done;
            progress(ProgressEvent{estimator, "trees", done, total});
        }
    });
    if (progress && reported < total) {
        progress(ProgressEvent{estimator, "trees", total, total});
    }
    return trees;
}

/// Rows of X copied row by row, so that each row is one contiguous double* for the trees.
using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Sums the `width` leaf values of every tree for rows [begin, end) of R into out (row-major,
/// `width` per row) in tree order, then divides by the number of trees. Trees outermost keeps
/// one tree's nodes in cache while all rows pass through it; the per-row order of additions is
/// still the tree order, as in the single-row path.
inline void average_trees(const std::vector<FlatTree>& trees,
                          const RowMajorMatrix& R,
                          Index begin,
                          Index end,
                          Index width,
                          double* out) {
    std::fill(out + begin * width, out + end * width, 0.0);
    for (const FlatTree& tree : trees) {
        for (Index i = begin; i < end; ++i) {
            const double* v = tree.leaf_values(R.data() + i * R.cols());
            double* o = out + i * width;
            for (Index c = 0; c < width; ++c) {
                o[c] += v[c];
            }
        }
    }
    const auto n_trees = static_cast<double>(trees.size());
    for (Index k = begin * width; k < end * width; ++k) {
        out[k] /= n_trees;
    }
}

/// average_trees over all rows of X, in blocks spread over `n_jobs` threads; the result does
/// not depend on the number of threads. Returns n_rows x width values, row-major.
inline std::vector<double>
average_trees(const std::vector<FlatTree>& trees, const Matrix& X, Index width, int n_jobs) {
    const RowMajorMatrix R = X;
    std::vector<double> out(static_cast<std::size_t>(X.rows() * width));
    const Index block = 256;
    const Index n_blocks = (X.rows() + block - 1) / block;
    parallel_for(static_cast<std::size_t>(n_blocks), n_jobs, [&](std::size_t b) {
        const Index begin = static_cast<Index>(b) * block;
        average_trees(trees, R, begin, std::min(X.rows(), begin + block), width, out.data());
    });
    return out;
}

/// Checks shared by the loaders of both forests.
template <class Archive>
void check_loaded_trees(
    Archive& ar, const std::vector<FlatTree>& trees, int n_estimators, int width, int n_features) {
    ar.require(n_features >= 1, "n_features must be >= 1");
    ar.require(!trees.empty(), "a forest needs at least one tree");
    ar.require(static_cast<std::size_t>(n_estimators) == trees.size(),
               "n_estimators must equal the number of stored trees");
    for (std::size_t t = 0; t < trees.size(); ++t) {
        const std::string problem = trees[t].validate(width, n_features);
        ar.require(problem.empty(), "tree " + std::to_string(t) + ": " + problem);
    }
}

} // namespace detail

/**
 * A random forest classifier: the mean of the trees' class probabilities.
 *
 * Labels may be any ints; classes() holds them sorted, predict returns them, and the columns
 * of predict_proba follow classes(). Training data with a single class give the same
 * documented constant model as DecisionTreeClassifier: every tree is one leaf and the forest
 * predicts that class with probability 1.0 (one column).
 */
class RandomForestClassifier {
public:
    /// The criterion type, under the name scikit-learn uses.
    using Criterion = ClassificationCriterion;

    /// Hyper-parameters, with scikit-learn 1.2's names and defaults.
    struct Params {
        /// Number of trees.
        int n_estimators = 100;
        /// Impurity each tree minimises.
        Criterion criterion = Criterion::gini;
        /// Deepest allowed node per tree (root = 0); -1 for unlimited.
        int max_depth = -1;
        /// A node with fewer distinct rows is not split.
        int min_samples_split = 2;
        /// Each child of a split keeps at least this many distinct rows.
        int min_samples_leaf = 1;
        /// Features drawn per split; sqrt(n_features) decorrelates the trees (sklearn default).
        MaxFeatures max_features = MaxFeatures::sqrt();
        /// Fit each tree on n rows drawn with replacement (else on all rows).
        bool bootstrap = true;
        /// Threads for fit and batch predict: a count, or -1 / 0 for all cores. Does not
        /// change the result.
        int n_jobs = -1;
        /// Seed of every random draw; tree t uses the stream Random(seed, t).
        std::uint64_t seed = 0;
        /// Called from the thread that runs fit() as trees finish; not saved.
        ProgressCallback progress;
    };

    RandomForestClassifier() = default;

    /// The name artifacts store this type under (see core/archive.hpp).
    static const char* type_name() noexcept { return "RandomForestClassifier"; }

    /// A forest with the given hyper-parameters (checked at fit).
    explicit RandomForestClassifier(Params params)
        : params_(std::move(params)) {}

    /// The hyper-parameters; changes take effect at the next fit.
    Params& params() noexcept { return params_; }

    /// The hyper-parameters.
    const Params& params() const noexcept { return params_; }

    /**
     * Grows the trees on X (one row per sample) and labels y.
     * @throws invalid_argument for bad parameters or shapes, bad_value for NaN/inf in X.
     */
    RandomForestClassifier& fit(const Matrix& X, const IntVector& y) {
        const std::string who = "RandomForestClassifier::fit";
        check_training_shape(X, y.size(), who);
        detail::check_forest_params("RandomForestClassifier", params_.n_estimators, params_.n_jobs);
        const detail::TreeSettings settings = detail::tree_settings("RandomForestClassifier",
                                                                    rule(params_.criterion),
                                                                    params_.max_depth,
                                                                    params_.min_samples_split,
                                                                    params_.min_samples_leaf,
                                                                    params_.max_features,
                                                                    X.cols());
        check_finite(X, who);

        detail::EncodedLabels labels = detail::encode_labels(y);
        trees_ = detail::grow_forest(X,
                                     settings,
                                     labels.codes.data(),
                                     static_cast<int>(labels.classes.size()),
                                     nullptr,
                                     params_.n_estimators,
                                     params_.bootstrap,
                                     params_.seed,
                                     params_.n_jobs,
                                     params_.progress,
                                     "RandomForestClassifier");
        classes_ = std::move(labels.classes);
        n_features_ = static_cast<int>(X.cols());
        return *this;
    }

    /// Predicted labels: the class of highest mean probability (the first on ties).
    IntVector predict(const Matrix& X) const {
        const std::vector<double> proba = averaged(X, "RandomForestClassifier::predict");
        IntVector out(X.rows());
        for (Index i = 0; i < X.rows(); ++i) {
            out[i] = classes_[detail::argmax(proba.data() + i * n_classes(), n_classes())];
        }
        return out;
    }

    /// Mean class probabilities of the trees: one row per row of X, columns as classes().
    Matrix predict_proba(const Matrix& X) const {
        const std::vector<double> proba = averaged(X, "RandomForestClassifier::predict_proba");
        Matrix out(X.rows(), n_classes());
        for (Index i = 0; i < X.rows(); ++i) {
            for (Index c = 0; c < n_classes(); ++c) {
                out(i, c) = proba[static_cast<std::size_t>(i * n_classes() + c)];
            }
        }
        return out;
    }

    /// Label for one row of n_features() values; allocates nothing.
    int predict_row(const double* x) const {
        check_row(x, "RandomForestClassifier::predict_row");
        // Class sums go through a fixed stack buffer, a block of classes at a time, so any
        // number of classes works without allocating; past 64 classes the trees are walked
        // once per block.
        constexpr Index block = 64;
        double sums[block];
        const auto n_trees = static_cast<double>(trees_.size());
        Index best = 0;
        double best_value = -1.0;
        for (Index c0 = 0; c0 < n_classes(); c0 += block) {
            const Index width = std::min(block, n_classes() - c0);
            std::fill(sums, sums + width, 0.0);
            for (const FlatTree& tree : trees_) {
                const double* v = tree.leaf_values(x) + c0;
                for (Index c = 0; c < width; ++c) {
                    sums[c] += v[c];
                }
            }
            for (Index c = 0; c < width; ++c) {
                const double mean = sums[c] / n_trees;
                if (mean > best_value) {
                    best_value = mean;
                    best = c0 + c;
                }
            }
        }
        return classes_[best];
    }

    /// Writes the n_classes() mean probabilities of one row into `out`; allocates nothing.
    void predict_proba_row(const double* x, double* out) const {
        check_row(x, "RandomForestClassifier::predict_proba_row");
        const Index width = n_classes();
        std::fill(out, out + width, 0.0);
        for (const FlatTree& tree : trees_) {
            const double* v = tree.leaf_values(x);
            for (Index c = 0; c < width; ++c) {
                out[c] += v[c];
            }
        }
        const auto n_trees = static_cast<double>(trees_.size());
        for (Index c = 0; c < width; ++c) {
            out[c] /= n_trees;
        }
    }

    /// The training labels, sorted ascending.
    const IntVector& classes() const noexcept { return classes_; }

    /// Number of classes (columns of predict_proba).
    Index n_classes() const noexcept { return classes_.size(); }

    /// Number of features seen at fit.
    Index n_features() const noexcept { return n_features_; }

    /// Whether fit() (or loading) has happened.
    bool is_fitted() const noexcept { return !trees_.empty(); }

    /// The fitted trees, in the order their predictions are averaged.
    const std::vector<FlatTree>& trees() const noexcept { return trees_; }

    /// Saves or loads parameters (not n_jobs or progress, which do not shape the model) and
    /// the trees; loading checks every tree against the classes and features.
    template <class Archive>
    void serialize(Archive& ar) {
        int criterion = static_cast<int>(params_.criterion);
        ar("n_estimators", params_.n_estimators);
        ar("criterion", criterion);
        ar("max_depth", params_.max_depth);
        ar("min_samples_split", params_.min_samples_split);
        ar("min_samples_leaf", params_.min_samples_leaf);
        ar.nested("max_features", params_.max_features);
        ar("bootstrap", params_.bootstrap);
        ar("seed", params_.seed);
        std::vector<int> classes(classes_.data(), classes_.data() + classes_.size());
        ar("classes", classes);
        ar("n_features", n_features_);
        ar.nested_list("trees", trees_);
        if (Archive::loading) {
            ar.require(criterion >= 0 && criterion <= 1,
                       "criterion must be 0 (gini) or 1 (entropy)");
            params_.criterion = static_cast<Criterion>(criterion);
            ar.require(!classes.empty(), "classes must not be empty");
            ar.require(std::is_sorted(classes.begin(), classes.end()) &&
                           std::adjacent_find(classes.begin(), classes.end()) == classes.end(),
                       "classes must be strictly increasing");
            detail::check_loaded_trees(
                ar, trees_, params_.n_estimators, static_cast<int>(classes.size()), n_features_);
            classes_ =
                Eigen::Map<const IntVector>(classes.data(), static_cast<Index>(classes.size()));
        }
    }

private:
    static detail::SplitRule rule(Criterion c) {
        switch (c) {
        case Criterion::gini:
            return detail::SplitRule::gini;
        case Criterion::entropy:
            return detail::SplitRule::entropy;
        }
        PROGNOS_THROW(
            invalid_argument("RandomForestClassifier: criterion must be gini or entropy, got " +
                             std::to_string(static_cast<int>(c))));
    }

    std::vector<double> averaged(const Matrix& X, const char* who) const {
        check_fitted(is_fitted(), who);
        check_n_features(n_features(), X.cols(), who);
        check_finite(X, who);
        return detail::average_trees(trees_, X, n_classes(), params_.n_jobs);
    }

    void check_row(const double* x, const char* who) const {
        if (!is_fitted()) {
            check_fitted(false, who);
        }
        detail::check_row_finite(x, n_features(), who);
    }

    Params params_;
    IntVector classes_;
    int n_features_ = 0;
    std::vector<FlatTree> trees_;
};

/// A random forest regressor: the mean of the trees' predictions.
class RandomForestRegressor {
public:
    /// The criterion type, under the name scikit-learn uses.
    using Criterion = RegressionCriterion;

    /// Hyper-parameters, with scikit-learn 1.2's names and defaults.
    struct Params {
        /// Number of trees.
        int n_estimators = 100;
        /// Impurity each tree minimises.
        Criterion criterion = Criterion::squared_error;
        /// Deepest allowed node per tree (root = 0); -1 for unlimited.
        int max_depth = -1;
        /// A node with fewer distinct rows is not split.
        int min_samples_split = 2;
        /// Each child of a split keeps at least this many distinct rows.
        int min_samples_leaf = 1;
        /// Features drawn per split; all of them, as scikit-learn 1.2 defaults for regression
        /// (bagging alone already decorrelates regression trees well).
        MaxFeatures max_features = MaxFeatures::all();
        /// Fit each tree on n rows drawn with replacement (else on all rows).
        bool bootstrap = true;
        /// Threads for fit and batch predict: a count, or -1 / 0 for all cores. Does not
        /// change the result.
        int n_jobs = -1;
        /// Seed of every random draw; tree t uses the stream Random(seed, t).
        std::uint64_t seed = 0;
        /// Called from the thread that runs fit() as trees finish; not saved.
        ProgressCallback progress;
    };

    RandomForestRegressor() = default;

    /// The name artifacts store this type under (see core/archive.hpp).
    static const char* type_name() noexcept { return "RandomForestRegressor"; }

    /// A forest with the given hyper-parameters (checked at fit).
    explicit RandomForestRegressor(Params params)
        : params_(std::move(params)) {}

    /// The hyper-parameters; changes take effect at the next fit.
    Params& params() noexcept { return params_; }

    /// The hyper-parameters.
    const Params& params() const noexcept { return params_; }

    /**
     * Grows the trees on X (one row per sample) and finite targets y.
     * @throws invalid_argument for bad parameters or shapes, bad_value for NaN/inf in X or y.
     */
    RandomForestRegressor& fit(const Matrix& X, const Vector& y) {
        const std::string who = "RandomForestRegressor::fit";
        check_training_shape(X, y.size(), who);
        detail::check_forest_params("RandomForestRegressor", params_.n_estimators, params_.n_jobs);
        if (params_.criterion != Criterion::squared_error) {
            PROGNOS_THROW(
                invalid_argument("RandomForestRegressor: criterion must be squared_error, got " +
                                 std::to_string(static_cast<int>(params_.criterion))));
        }
        const detail::TreeSettings settings =
            detail::tree_settings("RandomForestRegressor",
                                  detail::SplitRule::squared_error,
                                  params_.max_depth,
                                  params_.min_samples_split,
                                  params_.min_samples_leaf,
                                  params_.max_features,
                                  X.cols());
        check_finite(X, who);
        detail::check_finite_targets(y, who);

        trees_ = detail::grow_forest(X,
                                     settings,
                                     nullptr,
                                     0,
                                     y.data(),
                                     params_.n_estimators,
                                     params_.bootstrap,
                                     params_.seed,
                                     params_.n_jobs,
                                     params_.progress,
                                     "RandomForestRegressor");
        n_features_ = static_cast<int>(X.cols());
        return *this;
    }

    /// Mean prediction of the trees, one per row of X.
    Vector predict(const Matrix& X) const {
        const char* who = "RandomForestRegressor::predict";
        check_fitted(is_fitted(), who);
        check_n_features(n_features(), X.cols(), who);
        check_finite(X, who);
        const std::vector<double> mean = detail::average_trees(trees_, X, 1, params_.n_jobs);
        return Eigen::Map<const Vector>(mean.data(), X.rows());
    }

    /// Mean prediction for one row of n_features() values; allocates nothing.
    double predict_row(const double* x) const {
        const char* who = "RandomForestRegressor::predict_row";
        if (!is_fitted()) {
            check_fitted(false, who);
        }
        detail::check_row_finite(x, n_features(), who);
        double sum = 0.0;
        for (const FlatTree& tree : trees_) {
            sum += *tree.leaf_values(x);
        }
        return sum / static_cast<double>(trees_.size());
    }

    /// Number of features seen at fit.
    Index n_features() const noexcept { return n_features_; }

    /// Whether fit() (or loading) has happened.
    bool is_fitted() const noexcept { return !trees_.empty(); }

    /// The fitted trees, in the order their predictions are averaged.
    const std::vector<FlatTree>& trees() const noexcept { return trees_; }

    /// Saves or loads parameters (not n_jobs or progress) and the trees; loading checks every
    /// tree.
    template <class Archive>
    void serialize(Archive& ar) {
        int criterion = static_cast<int>(params_.criterion);
        ar("n_estimators", params_.n_estimators);
        ar("criterion", criterion);
        ar("max_depth", params_.max_depth);
        ar("min_samples_split", params_.min_samples_split);
        ar("min_samples_leaf", params_.min_samples_leaf);
        ar.nested("max_features", params_.max_features);
        ar("bootstrap", params_.bootstrap);
        ar("seed", params_.seed);
        ar("n_features", n_features_);
        ar.nested_list("trees", trees_);
        if (Archive::loading) {
            ar.require(criterion == 0, "criterion must be 0 (squared_error)");
            params_.criterion = static_cast<Criterion>(criterion);
            detail::check_loaded_trees(ar, trees_, params_.n_estimators, 1, n_features_);
        }
    }

private:
    Params params_;
    int n_features_ = 0;
    std::vector<FlatTree> trees_;
};

} // namespace prognos
