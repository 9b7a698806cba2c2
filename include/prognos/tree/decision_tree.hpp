// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// CART decision trees: DecisionTreeClassifier and DecisionTreeRegressor.
///
/// Both grow a binary tree (see tree/detail/tree_builder.hpp: exact search at small nodes and
/// on columns with at most 255 distinct values, quantile histograms at large nodes of longer
/// columns), with scikit-learn's parameter names and defaults, and predict from a FlatTree.
/// Everything is double from fit to predict, so a value equal to a stored threshold is compared
/// exactly as the training rows were (it goes left).
///
/// Missing values: NaN in X is a missing value. Each split learns which side its missing rows
/// go to, and prediction follows it, so no imputer is needed in front of a tree. Infinities are
/// rejected with prognos::bad_value at fit and predict.
///
/// Growth is depth-first, or best-first when max_leaf_nodes is set; ccp_alpha prunes the grown
/// tree (tree/detail/pruning.hpp). Both follow scikit-learn.
///
/// Known shortcomings: the absolute-error criterion always searches exactly (O(n log n) per node
/// and feature), so it fits more slowly than squared_error on large data.

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/random.hpp>
#include <prognos/core/types.hpp>
#include <prognos/tree/class_weight.hpp>
#include <prognos/tree/detail/fit_support.hpp>
#include <prognos/tree/detail/pruning.hpp>
#include <prognos/tree/detail/tree_builder.hpp>
#include <prognos/tree/flat_tree.hpp>
#include <prognos/tree/max_features.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace prognos {

/// Impurity a classification tree minimises. Serialized as its int value.
enum class ClassificationCriterion : int {
    gini = 0,   ///< Gini impurity 1 - sum p_c^2 (scikit-learn's default)
    entropy = 1 ///< Shannon entropy -sum p_c log p_c
};

/// How a tree chooses the threshold of an examined feature. Serialized as its int value.
enum class Splitter : int {
    best = 0,  ///< the best cut (CART)
    random = 1 ///< one uniformly drawn threshold per feature (extremely randomized trees)
};

namespace detail {
/// Normalised impurity importances of one tree (sum 1, or all 0 for a single leaf).
inline Vector normalized_importances(const FlatTree& tree) {
    Vector v = Vector::Zero(tree.n_features);
    double total = 0.0;
    for (std::size_t f = 0; f < tree.importances.size(); ++f) {
        v[static_cast<Index>(f)] = tree.importances[f];
        total += tree.importances[f];
    }
    if (total > 0) {
        v /= total;
    }
    return v;
}

/// The whole weakest-link pruning path of a grown tree (the tree is not changed).
inline CostComplexityPath pruning_path(const FlatTree& tree) {
    FlatTree copy = tree;
    CostComplexityPath path;
    cost_complexity_prune(copy, std::numeric_limits<double>::infinity(), false, &path);
    return path;
}

/// Load-time checks of the growth parameters that fit would otherwise reject, so a loaded
/// model's parameters always describe a fit that could have happened (and a refit works).
template <class Archive, class Params>
void require_growth_params(Archive& ar, const Params& p) {
    ar.require(p.max_depth == -1 || p.max_depth >= 1, "max_depth must be >= 1 or -1 (unlimited)");
    ar.require(p.min_samples_split >= 2, "min_samples_split must be >= 2");
    ar.require(p.min_samples_leaf >= 1, "min_samples_leaf must be >= 1");
    ar.require(p.min_impurity_decrease >= 0.0 && std::isfinite(p.min_impurity_decrease),
               "min_impurity_decrease must be finite and >= 0");
    ar.require(p.max_leaf_nodes == -1 || p.max_leaf_nodes >= 2,
               "max_leaf_nodes must be >= 2 or -1 (unlimited)");
    ar.require(p.ccp_alpha >= 0.0 && std::isfinite(p.ccp_alpha),
               "ccp_alpha must be finite and >= 0");
}

/// Whether the splitter draws thresholds at random; rejects unknown values.
inline bool random_splits(Splitter s, const std::string& who) {
    if (s != Splitter::best && s != Splitter::random) {
        PROGNOS_THROW(invalid_argument(who + ": splitter must be best or random, got " +
                                       std::to_string(static_cast<int>(s))));
    }
    return s == Splitter::random;
}
} // namespace detail

/// Impurity a regression tree minimises. Serialized as its int value.
enum class RegressionCriterion : int {
    squared_error = 0, ///< weighted variance of the targets (mean squared error)
    absolute_error = 1 ///< mean absolute deviation from the weighted median
};

namespace detail {
/// The builder's rule for a regression criterion; rejects unknown values.
inline SplitRule regression_rule(RegressionCriterion c, const std::string& who) {
    switch (c) {
    case RegressionCriterion::squared_error:
        return SplitRule::squared_error;
    case RegressionCriterion::absolute_error:
        return SplitRule::absolute_error;
    }
    PROGNOS_THROW(invalid_argument(who +
                                   ": criterion must be squared_error or absolute_error, got " +
                                   std::to_string(static_cast<int>(c))));
}
} // namespace detail

/**
 * A CART classification tree.
 *
 * Labels may be any ints; classes() holds them sorted, predict returns them, and the columns
 * of predict_proba follow classes(). A leaf predicts the class frequencies of its training
 * rows.
 *
 * Training data with a single class gives a documented constant model, not an error: one
 * leaf that predicts that class with probability 1.0 (predict_proba has one column). A tree
 * has nothing to learn from such data, but a window without failures is a normal thing to meet
 * in maintenance data, and scikit-learn's trees behave the same way. RandomForestClassifier
 * does the same.
 */
class DecisionTreeClassifier {
public:
    /// The criterion type, under the name scikit-learn uses.
    using Criterion = ClassificationCriterion;

    /// Hyper-parameters, with scikit-learn's names and defaults.
    struct Params {
        /// Impurity to minimise.
        Criterion criterion = Criterion::gini;
        /// Deepest allowed node (root = 0); -1 grows until leaves are pure or too small.
        int max_depth = -1;
        /// A node with fewer rows is not split.
        int min_samples_split = 2;
        /// Each child of a split keeps at least this many rows.
        int min_samples_leaf = 1;
        /// Features examined per split; all by default, so a tree is deterministic.
        MaxFeatures max_features = MaxFeatures::all();
        /// A split must lower the weighted impurity at least this much (root-relative).
        double min_impurity_decrease = 0.0;
        /// Per-class weights; ClassWeight::balanced() for rare failures.
        ClassWeight class_weight = ClassWeight::none();
        /// best (CART) or random (extremely randomized) thresholds.
        Splitter splitter = Splitter::best;
        /// Seeds the feature draws when max_features is below the number of features.
        std::uint64_t seed = 0;
        /// Grow best-first (the largest impurity decrease next) up to this many leaves;
        /// -1 grows depth-first without a leaf limit.
        int max_leaf_nodes = -1;
        /// Minimal cost-complexity pruning after growing: collapse the weakest link while its
        /// effective alpha is <= ccp_alpha (0: no pruning).
        double ccp_alpha = 0.0;
    };

    DecisionTreeClassifier() = default;

    /// The name artifacts store this type under (see core/archive.hpp).
    static const char* type_name() noexcept { return "DecisionTreeClassifier"; }

    /// A tree with the given hyper-parameters (checked at fit).
    explicit DecisionTreeClassifier(Params params)
        : params_(std::move(params)) {}

    /// The hyper-parameters; changes take effect at the next fit.
    Params& params() noexcept { return params_; }

    /// The hyper-parameters.
    const Params& params() const noexcept { return params_; }

    /**
     * Grows the tree on X (one row per sample, NaN for missing) and labels y.
     * @throws invalid_argument for bad parameters or shapes, bad_value for infinities in X.
     */
    DecisionTreeClassifier& fit(const Matrix& X, const IntVector& y) { return fit(X, y, Vector()); }

    /**
     * Grows the tree with one non-negative weight per row (empty: all 1), multiplied by the
     * class weights. Rows of weight 0 are left out.
     */
    DecisionTreeClassifier& fit(const Matrix& X, const IntVector& y, const Vector& sample_weight) {
        const std::string who = "DecisionTreeClassifier::fit";
        check_training_shape(X, y.size(), who);
        const detail::TreeSettings settings =
            detail::tree_settings("DecisionTreeClassifier",
                                  rule(params_.criterion, who),
                                  params_.max_depth,
                                  params_.min_samples_split,
                                  params_.min_samples_leaf,
                                  params_.max_features,
                                  X.cols(),
                                  params_.min_impurity_decrease,
                                  detail::random_splits(params_.splitter, who),
                                  params_.ccp_alpha,
                                  params_.max_leaf_nodes);
        detail::check_no_infinity(X, who);

        detail::EncodedLabels labels = detail::encode_labels(y);
        const std::vector<double> weights = detail::row_weights(
            labels.codes, labels.classes, params_.class_weight, sample_weight, who);
        const detail::BinnedColumns bins = detail::bin_columns(X);
        detail::TreeBuilder builder(X,
                                    bins,
                                    settings,
                                    labels.codes.data(),
                                    static_cast<int>(labels.classes.size()),
                                    nullptr);
        Random rng(params_.seed);
        tree_ = builder.build(weights, rng);
        classes_ = std::move(labels.classes);
        return *this;
    }

    /// Predicted labels, one per row of X.
    IntVector predict(const Matrix& X) const {
        check_input(X, "DecisionTreeClassifier::predict");
        IntVector out(X.rows());
        std::vector<double> row(static_cast<std::size_t>(X.cols()));
        for (Index i = 0; i < X.rows(); ++i) {
            copy_row(X, i, row.data());
            out[i] = label_of(tree_.leaf_values(row.data()));
        }
        return out;
    }

    /// Class probabilities: one row per row of X, one column per entry of classes().
    Matrix predict_proba(const Matrix& X) const {
        check_input(X, "DecisionTreeClassifier::predict_proba");
        Matrix out(X.rows(), classes_.size());
        std::vector<double> row(static_cast<std::size_t>(X.cols()));
        for (Index i = 0; i < X.rows(); ++i) {
            copy_row(X, i, row.data());
            const double* v = tree_.leaf_values(row.data());
            for (Index c = 0; c < classes_.size(); ++c) {
                out(i, c) = v[c];
            }
        }
        return out;
    }

    /// Label for one row of n_features() values; allocates nothing.
    int predict_row(const double* x) const {
        check_row(x, "DecisionTreeClassifier::predict_row");
        return label_of(tree_.leaf_values(x));
    }

    /// Writes the n_classes() probabilities of one row into `out`; allocates nothing.
    void predict_proba_row(const double* x, double* out) const {
        check_row(x, "DecisionTreeClassifier::predict_proba_row");
        const double* v = tree_.leaf_values(x);
        std::copy(v, v + classes_.size(), out);
    }

    /// The training labels, sorted ascending.
    const IntVector& classes() const noexcept { return classes_; }

    /// Number of classes (columns of predict_proba).
    Index n_classes() const noexcept { return classes_.size(); }

    /// Number of features seen at fit.
    Index n_features() const noexcept { return tree_.n_features; }

    /// Whether fit() (or loading) has happened.
    bool is_fitted() const noexcept { return tree_.node_count() > 0; }

    /// Longest root-to-leaf path in edges (a single leaf has depth 0).
    int depth() const { return tree_.depth(); }

    /// Number of nodes, leaves included.
    Index node_count() const noexcept { return tree_.node_count(); }

    /// The fitted tree in flat form.
    const FlatTree& tree() const noexcept { return tree_; }

    /// Impurity-based importances: each feature's share of the total weighted impurity
    /// decrease (sums to 1 unless the tree is a single leaf).
    Vector feature_importances() const {
        check_fitted(is_fitted(), "DecisionTreeClassifier::feature_importances");
        return detail::normalized_importances(tree_);
    }

    /**
     * The pruning path of the tree these parameters grow on (X, y) with ccp_alpha = 0, as
     * scikit-learn's cost_complexity_pruning_path: candidate ccp_alpha values and the total
     * leaf impurity of the tree each leaves. Does not change this model.
     */
    CostComplexityPath cost_complexity_pruning_path(const Matrix& X,
                                                    const IntVector& y,
                                                    const Vector& sample_weight = Vector()) const {
        DecisionTreeClassifier full(params_);
        full.params_.ccp_alpha = 0.0;
        full.fit(X, y, sample_weight);
        return detail::pruning_path(full.tree_);
    }

    /// Saves or loads parameters and the fitted tree; loading checks the tree's structure
    /// against the classes and features it declares.
    template <class Archive>
    void serialize(Archive& ar) {
        int criterion = static_cast<int>(params_.criterion);
        ar("criterion", criterion);
        ar("max_depth", params_.max_depth);
        ar("min_samples_split", params_.min_samples_split);
        ar("min_samples_leaf", params_.min_samples_leaf);
        ar.nested("max_features", params_.max_features);
        ar("seed", params_.seed);
        ar("min_impurity_decrease", params_.min_impurity_decrease);
        ar.nested("class_weight", params_.class_weight);
        int splitter = static_cast<int>(params_.splitter);
        ar("splitter", splitter);
        ar("max_leaf_nodes", params_.max_leaf_nodes);
        ar("ccp_alpha", params_.ccp_alpha);
        std::vector<int> classes(classes_.data(), classes_.data() + classes_.size());
        ar("classes", classes);
        ar.nested("tree", tree_);
        if (Archive::loading) {
            ar.require(criterion >= 0 && criterion <= 1,
                       "criterion must be 0 (gini) or 1 (entropy)");
            params_.criterion = static_cast<Criterion>(criterion);
            ar.require(!classes.empty(), "classes must not be empty");
            ar.require(std::is_sorted(classes.begin(), classes.end()) &&
                           std::adjacent_find(classes.begin(), classes.end()) == classes.end(),
                       "classes must be strictly increasing");
            ar.require(tree_.n_features >= 1, "n_features must be >= 1");
            const std::string problem =
                tree_.validate(static_cast<int>(classes.size()), tree_.n_features);
            ar.require(problem.empty(), problem);
            ar.require(splitter == 0 || splitter == 1, "splitter must be 0 (best) or 1 (random)");
            params_.splitter = static_cast<Splitter>(splitter);
            detail::require_growth_params(ar, params_);
            tree_.compile();
            classes_ =
                Eigen::Map<const IntVector>(classes.data(), static_cast<Index>(classes.size()));
        }
    }

private:
    static detail::SplitRule rule(Criterion c, const std::string& who) {
        switch (c) {
        case Criterion::gini:
            return detail::SplitRule::gini;
        case Criterion::entropy:
            return detail::SplitRule::entropy;
        }
        PROGNOS_THROW(invalid_argument(who + ": criterion must be gini or entropy, got " +
                                       std::to_string(static_cast<int>(c))));
    }

    void check_input(const Matrix& X, const std::string& who) const {
        check_fitted(is_fitted(), who);
        check_n_features(n_features(), X.cols(), who);
        detail::check_no_infinity(X, who);
    }

    void check_row(const double* x, const char* who) const {
        if (!is_fitted()) {
            check_fitted(false, who);
        }
        detail::check_row_no_infinity(x, n_features(), who);
    }

    static void copy_row(const Matrix& X, Index i, double* row) {
        for (Index j = 0; j < X.cols(); ++j) {
            row[j] = X(i, j);
        }
    }

    int label_of(const double* proba) const noexcept {
        return classes_[detail::argmax(proba, classes_.size())];
    }

    Params params_;
    IntVector classes_;
    FlatTree tree_;
};

/**
 * A CART regression tree. With the default squared_error criterion each leaf predicts the
 * weighted mean target of its training rows and splits minimise the squared error; with
 * absolute_error each leaf predicts the weighted median and splits minimise the summed
 * absolute deviation from the two sides' medians.
 *
 * absolute_error is searched exactly at every node (no histograms) with a Fenwick-tree sweep:
 * O(n log n) per node and feature instead of O(n), so it is several times slower than
 * squared_error on large data (scikit-learn's is O(n^2) per node and feature).
 */
class DecisionTreeRegressor {
public:
    /// The criterion type, under the name scikit-learn uses.
    using Criterion = RegressionCriterion;

    /// Hyper-parameters, with scikit-learn's names and defaults.
    struct Params {
        /// Impurity to minimise.
        Criterion criterion = Criterion::squared_error;
        /// Deepest allowed node (root = 0); -1 grows until leaves are pure or too small.
        int max_depth = -1;
        /// A node with fewer rows is not split.
        int min_samples_split = 2;
        /// Each child of a split keeps at least this many rows.
        int min_samples_leaf = 1;
        /// Features examined per split; all by default, so a tree is deterministic.
        MaxFeatures max_features = MaxFeatures::all();
        /// A split must lower the weighted impurity at least this much (root-relative).
        double min_impurity_decrease = 0.0;
        /// best (CART) or random (extremely randomized) thresholds.
        Splitter splitter = Splitter::best;
        /// Seeds the feature draws when max_features is below the number of features.
        std::uint64_t seed = 0;
        /// Grow best-first (the largest impurity decrease next) up to this many leaves;
        /// -1 grows depth-first without a leaf limit.
        int max_leaf_nodes = -1;
        /// Minimal cost-complexity pruning after growing: collapse the weakest link while its
        /// effective alpha is <= ccp_alpha (0: no pruning).
        double ccp_alpha = 0.0;
    };

    DecisionTreeRegressor() = default;

    /// The name artifacts store this type under (see core/archive.hpp).
    static const char* type_name() noexcept { return "DecisionTreeRegressor"; }

    /// A tree with the given hyper-parameters (checked at fit).
    explicit DecisionTreeRegressor(Params params)
        : params_(std::move(params)) {}

    /// The hyper-parameters; changes take effect at the next fit.
    Params& params() noexcept { return params_; }

    /// The hyper-parameters.
    const Params& params() const noexcept { return params_; }

    /**
     * Grows the tree on X (one row per sample, NaN for missing) and finite targets y.
     * @throws invalid_argument for bad parameters or shapes, bad_value for infinities in X or
     * non-finite y.
     */
    DecisionTreeRegressor& fit(const Matrix& X, const Vector& y) { return fit(X, y, Vector()); }

    /// Grows the tree with one non-negative weight per row (empty: all 1).
    DecisionTreeRegressor& fit(const Matrix& X, const Vector& y, const Vector& sample_weight) {
        const std::string who = "DecisionTreeRegressor::fit";
        check_training_shape(X, y.size(), who);
        const detail::TreeSettings settings =
            detail::tree_settings("DecisionTreeRegressor",
                                  detail::regression_rule(params_.criterion, who),
                                  params_.max_depth,
                                  params_.min_samples_split,
                                  params_.min_samples_leaf,
                                  params_.max_features,
                                  X.cols(),
                                  params_.min_impurity_decrease,
                                  detail::random_splits(params_.splitter, who),
                                  params_.ccp_alpha,
                                  params_.max_leaf_nodes);
        detail::check_no_infinity(X, who);
        detail::check_finite_targets(y, who);

        const std::vector<int> no_codes(static_cast<std::size_t>(X.rows()), 0);
        const std::vector<double> weights = detail::row_weights(
            no_codes, IntVector::Zero(1), ClassWeight::none(), sample_weight, who);
        const detail::BinnedColumns bins = detail::bin_columns(X);
        detail::TreeBuilder builder(X, bins, settings, nullptr, 0, y.data());
        Random rng(params_.seed);
        tree_ = builder.build(weights, rng);
        return *this;
    }

    /// Predicted targets, one per row of X.
    Vector predict(const Matrix& X) const {
        const char* who = "DecisionTreeRegressor::predict";
        check_fitted(is_fitted(), who);
        check_n_features(n_features(), X.cols(), who);
        detail::check_no_infinity(X, who);
        Vector out(X.rows());
        std::vector<double> row(static_cast<std::size_t>(X.cols()));
        for (Index i = 0; i < X.rows(); ++i) {
            for (Index j = 0; j < X.cols(); ++j) {
                row[static_cast<std::size_t>(j)] = X(i, j);
            }
            out[i] = *tree_.leaf_values(row.data());
        }
        return out;
    }

    /// Prediction for one row of n_features() values; allocates nothing.
    double predict_row(const double* x) const {
        const char* who = "DecisionTreeRegressor::predict_row";
        if (!is_fitted()) {
            check_fitted(false, who);
        }
        detail::check_row_no_infinity(x, n_features(), who);
        return *tree_.leaf_values(x);
    }

    /// Number of features seen at fit.
    Index n_features() const noexcept { return tree_.n_features; }

    /// Whether fit() (or loading) has happened.
    bool is_fitted() const noexcept { return tree_.node_count() > 0; }

    /// Longest root-to-leaf path in edges (a single leaf has depth 0).
    int depth() const { return tree_.depth(); }

    /// Number of nodes, leaves included.
    Index node_count() const noexcept { return tree_.node_count(); }

    /// The fitted tree in flat form.
    const FlatTree& tree() const noexcept { return tree_; }

    /// Impurity-based importances: each feature's share of the total weighted variance
    /// decrease (sums to 1 unless the tree is a single leaf).
    Vector feature_importances() const {
        check_fitted(is_fitted(), "DecisionTreeRegressor::feature_importances");
        return detail::normalized_importances(tree_);
    }

    /**
     * The pruning path of the tree these parameters grow on (X, y) with ccp_alpha = 0, as
     * scikit-learn's cost_complexity_pruning_path: candidate ccp_alpha values and the total
     * leaf impurity of the tree each leaves. Does not change this model.
     */
    CostComplexityPath cost_complexity_pruning_path(const Matrix& X,
                                                    const Vector& y,
                                                    const Vector& sample_weight = Vector()) const {
        DecisionTreeRegressor full(params_);
        full.params_.ccp_alpha = 0.0;
        full.fit(X, y, sample_weight);
        return detail::pruning_path(full.tree_);
    }

    /// Saves or loads parameters and the fitted tree; loading checks the tree's structure.
    template <class Archive>
    void serialize(Archive& ar) {
        int criterion = static_cast<int>(params_.criterion);
        ar("criterion", criterion);
        ar("max_depth", params_.max_depth);
        ar("min_samples_split", params_.min_samples_split);
        ar("min_samples_leaf", params_.min_samples_leaf);
        ar.nested("max_features", params_.max_features);
        ar("seed", params_.seed);
        ar("min_impurity_decrease", params_.min_impurity_decrease);
        int splitter = static_cast<int>(params_.splitter);
        ar("splitter", splitter);
        ar("max_leaf_nodes", params_.max_leaf_nodes);
        ar("ccp_alpha", params_.ccp_alpha);
        ar.nested("tree", tree_);
        if (Archive::loading) {
            ar.require(criterion == 0 || criterion == 1,
                       "criterion must be 0 (squared_error) or 1 (absolute_error)");
            params_.criterion = static_cast<Criterion>(criterion);
            ar.require(splitter == 0 || splitter == 1, "splitter must be 0 (best) or 1 (random)");
            params_.splitter = static_cast<Splitter>(splitter);
            detail::require_growth_params(ar, params_);
            ar.require(tree_.n_features >= 1, "n_features must be >= 1");
            const std::string problem = tree_.validate(1, tree_.n_features);
            ar.require(problem.empty(), problem);
            tree_.compile();
        }
    }

private:
    Params params_;
    FlatTree tree_;
};

} // namespace prognos
