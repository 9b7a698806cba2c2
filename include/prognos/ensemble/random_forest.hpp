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
/// Missing values (NaN) are handled inside the trees (see tree/detail/tree_builder.hpp); row
/// and class weights multiply the bootstrap counts. Prediction walks kLanes trees (single row)
/// or kBatchLanes rows (batch) side by side over the packed nodes of FlatTree, so the memory
/// loads of independent walks overlap. Batch prediction gives each thread one block of rows
/// and passes the block through the trees one tree at a time.
///
/// Known shortcoming of batch prediction: it is about 2.5 times faster than scikit-learn's in
/// CPU time, not the 5 times issue 3 asks (docs/limitations.md has the measurements). With
/// fully grown trees the forest does not fit in the caches, and the rows walked side by side
/// wait for the deepest of them.
///
/// max_leaf_nodes, ccp_alpha and criterion = absolute_error act on each tree exactly as in a
/// DecisionTree (best-first growth, pruning after growing, median leaves); with bootstrap off,
/// every feature examined and the best splitter, each tree equals the decision tree of the same
/// parameters.
///
/// Known shortcomings: out-of-bag predictions are not saved in artifacts (the score is);
/// class_weight "balanced_subsample" is not offered.

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/parallel.hpp>
#include <prognos/core/progress.hpp>
#include <prognos/core/random.hpp>
#include <prognos/core/types.hpp>
#include <prognos/tree/class_weight.hpp>
#include <prognos/tree/decision_tree.hpp>
#include <prognos/tree/detail/fit_support.hpp>
#include <prognos/tree/detail/tree_builder.hpp>
#include <prognos/tree/flat_tree.hpp>
#include <prognos/tree/max_features.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
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

/// Draws tree t's bootstrap counts (how often each of n rows was drawn) from `rng`.
inline std::vector<int> bootstrap_counts(Random& rng, std::uint64_t n) {
    std::vector<int> counts(static_cast<std::size_t>(n), 0);
    for (std::uint64_t i = 0; i < n; ++i) {
        ++counts[static_cast<std::size_t>(rng.uniform_index(n))];
    }
    return counts;
}

/**
 * Grows trees [first, n_trees) on `n_jobs` threads into trees[first, n_trees). Tree t gets the
 * generator Random(seed, t), from which it first draws its bootstrap counts (when `bootstrap`)
 * and then its feature and threshold choices, so a warm-started forest equals one grown at
 * once. Row weights are the bootstrap counts times `base_weight` (empty: 1). `progress` is
 * called only from the calling thread, as trees finish there, and once more at the end, so it
 * never runs concurrently with itself.
 */
inline void grow_forest(std::vector<FlatTree>& trees,
                        std::size_t first,
                        const Matrix& X,
                        const TreeSettings& settings,
                        const int* y_class,
                        int n_classes,
                        const double* y_real,
                        const std::vector<double>& base_weight,
                        bool bootstrap,
                        std::uint64_t seed,
                        int n_jobs,
                        const ProgressCallback& progress,
                        const char* estimator) {
    const BinnedColumns bins = bin_columns(X);
    const auto n = static_cast<std::uint64_t>(X.rows());
    std::atomic<std::size_t> finished{0};
    std::size_t reported = 0;
    const std::thread::id caller = std::this_thread::get_id();
    const std::size_t total = trees.size() - first;

    parallel_for(total, n_jobs, [&](std::size_t k) {
        const std::size_t t = first + k;
        Random rng(seed, t);
        std::vector<double> weight;
        if (bootstrap) {
            const std::vector<int> counts = bootstrap_counts(rng, n);
            weight.resize(counts.size());
            for (std::size_t i = 0; i < counts.size(); ++i) {
                weight[i] = counts[i] * (base_weight.empty() ? 1.0 : base_weight[i]);
            }
        } else {
            weight = base_weight;
        }
        TreeBuilder builder(X, bins, settings, y_class, n_classes, y_real);
        trees[t] = builder.build(weight, rng);
        const std::size_t done = finished.fetch_add(1) + 1;
        if (progress && std::this_thread::get_id() == caller && done > reported) {
            reported = done;
            progress(ProgressEvent{estimator, "trees", done, total});
        }
    });
    if (progress && reported < total) {
        progress(ProgressEvent{estimator, "trees", total, total});
    }
}

/// Rows of X copied row by row, so that each row is one contiguous double* for the trees.
using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Lanes walked in lockstep: independent node loads overlap, hiding memory latency.
constexpr int kLanes = 8;

/// Adds the `width` leaf values of trees [t_begin, t_end) for row x to out, in tree order.
/// Trees go down in groups of kLanes side by side.
inline void add_trees_row(const std::vector<FlatTree>& trees,
                          std::size_t t_begin,
                          std::size_t t_end,
                          const double* x,
                          Index width,
                          double* out) noexcept {
    const FlatTree::Node* base[kLanes];
    int node[kLanes];
    for (std::size_t t0 = t_begin; t0 < t_end; t0 += kLanes) {
        const int g = static_cast<int>(std::min<std::size_t>(kLanes, t_end - t0));
        for (int k = 0; k < g; ++k) {
            base[k] = trees[t0 + static_cast<std::size_t>(k)].packed().data();
            node[k] = 0;
        }
        // Leaves step onto themselves, so every lane steps until none moved.
        bool moving = true;
        while (moving) {
            moving = false;
            for (int k = 0; k < g; ++k) {
                const FlatTree::Node& nd = base[k][node[k]];
                moving |= nd.feature >= 0;
                node[k] = FlatTree::step(nd, x, node[k]);
            }
        }
        for (int k = 0; k < g; ++k) {
            const double* v = trees[t0 + static_cast<std::size_t>(k)].values.data() +
                              static_cast<std::size_t>(node[k]) * static_cast<std::size_t>(width);
            for (Index c = 0; c < width; ++c) {
                out[c] += v[c];
            }
        }
    }
}

/// Rows walked side by side through one tree in batch prediction.
constexpr int kBatchLanes = 8;

/// Sums the `width` leaf values of every tree for rows [begin, end) of R into out (row-major,
/// `width` per row) in tree order, then divides by the number of trees. Trees outermost keeps
/// one tree's nodes in cache while the rows pass through it, kBatchLanes rows side by side;
/// the per-row order of additions is still the tree order, as in the single-row path, so both
/// agree to the bit.
inline void average_trees(const std::vector<FlatTree>& trees,
                          const RowMajorMatrix& R,
                          Index begin,
                          Index end,
                          Index width,
                          double* out) {
    std::fill(out + begin * width, out + end * width, 0.0);
    const auto w = static_cast<std::size_t>(width);
    const std::ptrdiff_t stride = R.cols();
    // Groups of rows without a missing value take the step without the NaN rule.
    const Index n_groups = (end - begin + kBatchLanes - 1) / kBatchLanes;
    std::vector<std::uint8_t> finite(static_cast<std::size_t>(n_groups));
    for (Index g = 0; g < n_groups; ++g) {
        const Index i0 = begin + g * kBatchLanes;
        const Index i1 = std::min(end, i0 + kBatchLanes);
        finite[static_cast<std::size_t>(g)] = !R.middleRows(i0, i1 - i0).hasNaN();
    }
    int leaf[kBatchLanes];
    for (const FlatTree& tree : trees) {
        for (Index g = 0; g < n_groups; ++g) {
            const Index i0 = begin + g * kBatchLanes;
            const int n = static_cast<int>(std::min<Index>(kBatchLanes, end - i0));
            const double* rows = R.data() + i0 * stride;
            if (n == kBatchLanes) {
                if (finite[static_cast<std::size_t>(g)] != 0) {
                    tree.find_leaves<kBatchLanes, true>(rows, stride, leaf);
                } else {
                    tree.find_leaves<kBatchLanes, false>(rows, stride, leaf);
                }
            } else {
                for (int k = 0; k < n; ++k) {
                    leaf[k] = tree.find_leaf(rows + k * stride);
                }
            }
            for (int k = 0; k < n; ++k) {
                const double* v = tree.values.data() + static_cast<std::size_t>(leaf[k]) * w;
                double* o = out + (i0 + k) * width;
                for (std::size_t c = 0; c < w; ++c) {
                    o[c] += v[c];
                }
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
    // One block of rows per thread. Every block walks every tree, and a forest of fully grown
    // trees is larger than the caches (100 trees of 12,500 nodes on the 100k x 10 peer data:
    // 20 MB of nodes and 20 MB of node values), so each block pays for bringing the forest in
    // from memory once; on that data one 20k-row block took 0.12 s of CPU, five blocks of 4096
    // rows 0.19 s. The result does not depend on the blocks: each row sums its trees in tree
    // order.
    const Index threads = resolve_n_jobs(n_jobs);
    const Index block = std::max<Index>(64, (X.rows() + threads - 1) / threads);
    const Index n_blocks = (X.rows() + block - 1) / block;
    parallel_for(static_cast<std::size_t>(n_blocks), n_jobs, [&](std::size_t b) {
        const Index begin = static_cast<Index>(b) * block;
        average_trees(trees, R, begin, std::min(X.rows(), begin + block), width, out.data());
    });
    return out;
}

/**
 * Out-of-bag averages: for each row of X (the training data), the mean leaf values of the
 * trees whose bootstrap sample left that row out, regenerated from Random(seed, t). Rows that
 * every tree drew get NaN. Returns n_rows x width values, row-major.
 */
inline std::vector<double> oob_average(const std::vector<FlatTree>& trees,
                                       const Matrix& X,
                                       Index width,
                                       std::uint64_t seed,
                                       int n_jobs) {
    const auto n = static_cast<std::size_t>(X.rows());
    const auto w = static_cast<std::size_t>(width);
    const RowMajorMatrix R = X;
    // Which trees left each row out, as one bit row per tree (regenerated, then shared).
    std::vector<std::vector<std::uint8_t>> out_of_bag(trees.size());
    parallel_for(trees.size(), n_jobs, [&](std::size_t t) {
        Random rng(seed, t);
        const std::vector<int> counts = bootstrap_counts(rng, n);
        out_of_bag[t].resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            out_of_bag[t][i] = counts[i] == 0;
        }
    });
    std::vector<double> sums(n * w, 0.0);
    const std::size_t block = 512;
    parallel_for((n + block - 1) / block, n_jobs, [&](std::size_t b) {
        for (std::size_t i = b * block; i < std::min(n, (b + 1) * block); ++i) {
            int used = 0;
            for (std::size_t t = 0; t < trees.size(); ++t) {
                if (out_of_bag[t][i]) {
                    const double* v =
                        trees[t].leaf_values(R.data() + static_cast<Index>(i) * R.cols());
                    for (std::size_t c = 0; c < w; ++c) {
                        sums[i * w + c] += v[c];
                    }
                    ++used;
                }
            }
            for (std::size_t c = 0; c < w; ++c) {
                sums[i * w + c] =
                    used > 0 ? sums[i * w + c] / used : std::numeric_limits<double>::quiet_NaN();
            }
        }
    });
    return sums;
}

/// Mean of the trees' normalised impurity importances (scikit-learn's feature_importances_).
inline Vector forest_importances(const std::vector<FlatTree>& trees, int n_features) {
    Vector total = Vector::Zero(n_features);
    for (const FlatTree& tree : trees) {
        total += normalized_importances(tree);
    }
    total /= static_cast<double>(trees.size());
    return total;
}

/// OOB estimates need trees that left rows out.
inline void check_oob(bool oob_score, bool bootstrap, const std::string& who) {
    if (oob_score && !bootstrap) {
        PROGNOS_THROW(
            invalid_argument(who + ": oob_score = true needs bootstrap = true (got false)"));
    }
}

/// A warm start may only add trees to a forest fitted on data of the same shape.
inline void
check_warm_start(const std::string& who, std::size_t have, int wanted, bool same_shape) {
    if (static_cast<std::size_t>(wanted) < have) {
        PROGNOS_THROW(invalid_argument(who + ": warm_start cannot shrink the forest from " +
                                       std::to_string(have) +
                                       " to n_estimators = " + std::to_string(wanted) + " trees"));
    }
    if (!same_shape) {
        PROGNOS_THROW(invalid_argument(
            who + ": warm_start needs data with the features and classes of the first fit"));
    }
}

/// Mean drop of score(X) when one column at a time is shuffled, n_repeats shuffles each.
template <class Score>
Vector permutation_drop(
    const Matrix& X, int n_repeats, std::uint64_t seed, Score&& score, const char* who) {
    if (n_repeats < 1) {
        PROGNOS_THROW(invalid_argument(std::string(who) + ": n_repeats must be >= 1, got " +
                                       std::to_string(n_repeats)));
    }
    const double base = score(X);
    Vector drop = Vector::Zero(X.cols());
    Matrix shuffled = X;
    std::vector<Index> order(static_cast<std::size_t>(X.rows()));
    for (Index j = 0; j < X.cols(); ++j) {
        Random rng(seed, static_cast<std::uint64_t>(j));
        for (int r = 0; r < n_repeats; ++r) {
            std::iota(order.begin(), order.end(), Index{0});
            rng.shuffle(order.begin(), order.end());
            for (Index i = 0; i < X.rows(); ++i) {
                shuffled(i, j) = X(order[static_cast<std::size_t>(i)], j);
            }
            drop[j] += base - score(shuffled);
        }
        shuffled.col(j) = X.col(j);
        drop[j] /= n_repeats;
    }
    return drop;
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

/// Builds the packed predict form of every loaded tree (after check_loaded_trees).
inline void compile_trees(std::vector<FlatTree>& trees) {
    for (FlatTree& t : trees) {
        t.compile();
    }
}

/// Saves the hyper-parameters both forests share besides the criterion.
template <class Archive, class Params>
void serialize_forest_params(Archive& ar, Params& p) {
    ar("n_estimators", p.n_estimators);
    ar("max_depth", p.max_depth);
    ar("min_samples_split", p.min_samples_split);
    ar("min_samples_leaf", p.min_samples_leaf);
    ar.nested("max_features", p.max_features);
    ar("bootstrap", p.bootstrap);
    ar("seed", p.seed);
    ar("min_impurity_decrease", p.min_impurity_decrease);
    int splitter = static_cast<int>(p.splitter);
    ar("splitter", splitter);
    ar("oob_score", p.oob_score);
    ar("warm_start", p.warm_start);
    ar("max_leaf_nodes", p.max_leaf_nodes);
    ar("ccp_alpha", p.ccp_alpha);
    if (Archive::loading) {
        ar.require(splitter == 0 || splitter == 1, "splitter must be 0 (best) or 1 (random)");
        p.splitter = static_cast<Splitter>(splitter);
        require_growth_params(ar, p);
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
        /// A split must lower the weighted impurity at least this much (root-relative).
        double min_impurity_decrease = 0.0;
        /// Per-class weights; ClassWeight::balanced() for rare failures.
        ClassWeight class_weight = ClassWeight::none();
        /// best (random forest) or random thresholds (with bootstrap = false: extra trees).
        Splitter splitter = Splitter::best;
        /// Compute oob_score() and oob_decision_function() at fit (needs bootstrap).
        bool oob_score = false;
        /// A refit of a fitted forest keeps its trees and grows only the missing ones, up to
        /// n_estimators. The features and classes must be those of the first fit (checked);
        /// the data and the other parameters should be too, but are not checked: new trees
        /// follow the parameters in force at the refit, while the saved parameters describe
        /// only those, as in scikit-learn.
        bool warm_start = false;
        /// Grow each tree best-first up to this many leaves; -1 for unlimited (depth-first).
        int max_leaf_nodes = -1;
        /// Minimal cost-complexity pruning of each tree after growing (0: none).
        double ccp_alpha = 0.0;
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
     * Grows the trees on X (one row per sample, NaN for missing) and labels y.
     * @throws invalid_argument for bad parameters or shapes, bad_value for infinities in X.
     */
    RandomForestClassifier& fit(const Matrix& X, const IntVector& y) { return fit(X, y, Vector()); }

    /// Grows the trees with one non-negative weight per row (empty: all 1), multiplied by the
    /// class weights and by each tree's bootstrap counts.
    RandomForestClassifier& fit(const Matrix& X, const IntVector& y, const Vector& sample_weight) {
        const std::string who = "RandomForestClassifier::fit";
        check_training_shape(X, y.size(), who);
        detail::check_forest_params("RandomForestClassifier", params_.n_estimators, params_.n_jobs);
        const detail::TreeSettings settings =
            detail::tree_settings("RandomForestClassifier",
                                  rule(params_.criterion),
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
        detail::check_oob(params_.oob_score, params_.bootstrap, who);

        detail::EncodedLabels labels = detail::encode_labels(y);
        const std::vector<double> weights = detail::row_weights(
            labels.codes, labels.classes, params_.class_weight, sample_weight, who);
        std::size_t first = 0;
        if (params_.warm_start && is_fitted()) {
            detail::check_warm_start(who,
                                     trees_.size(),
                                     params_.n_estimators,
                                     n_features_ == X.cols() &&
                                         classes_.size() == labels.classes.size() &&
                                         classes_ == labels.classes);
            first = trees_.size();
        }
        trees_.resize(static_cast<std::size_t>(params_.n_estimators));
        detail::grow_forest(trees_,
                            first,
                            X,
                            settings,
                            labels.codes.data(),
                            static_cast<int>(labels.classes.size()),
                            nullptr,
                            weights,
                            params_.bootstrap,
                            params_.seed,
                            params_.n_jobs,
                            params_.progress,
                            "RandomForestClassifier");
        classes_ = std::move(labels.classes);
        n_features_ = static_cast<int>(X.cols());
        oob_score_ = std::numeric_limits<double>::quiet_NaN();
        oob_decision_ = Matrix();
        if (params_.oob_score) {
            const std::vector<double> avg =
                detail::oob_average(trees_, X, n_classes(), params_.seed, params_.n_jobs);
            oob_decision_ = Matrix(X.rows(), n_classes());
            Index scored = 0;
            Index correct = 0;
            for (Index i = 0; i < X.rows(); ++i) {
                const double* p = avg.data() + i * n_classes();
                for (Index c = 0; c < n_classes(); ++c) {
                    oob_decision_(i, c) = p[c];
                }
                if (!std::isnan(p[0])) {
                    ++scored;
                    correct += classes_[detail::argmax(p, n_classes())] == y[i];
                }
            }
            oob_score_ = scored > 0 ? static_cast<double>(correct) / static_cast<double>(scored)
                                    : std::numeric_limits<double>::quiet_NaN();
        }
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
        // Class sums go through a fixed stack buffer, so a forest of up to 64 classes predicts
        // without allocating; beyond that the trees are walked one at a time, a block of
        // classes per pass.
        constexpr Index block = 64;
        double sums[block];
        const auto n_trees = static_cast<double>(trees_.size());
        if (n_classes() <= block) {
            std::fill(sums, sums + n_classes(), 0.0);
            detail::add_trees_row(trees_, 0, trees_.size(), x, n_classes(), sums);
            for (Index c = 0; c < n_classes(); ++c) {
                sums[c] /= n_trees;
            }
            return classes_[detail::argmax(sums, n_classes())];
        }
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
        detail::add_trees_row(trees_, 0, trees_.size(), x, width, out);
        const auto n_trees = static_cast<double>(trees_.size());
        for (Index c = 0; c < width; ++c) {
            out[c] /= n_trees;
        }
    }

    /// Accuracy of the out-of-bag predictions on the training rows (rows that every tree drew
    /// are left out); NaN unless fitted with oob_score = true.
    double oob_score() const noexcept { return oob_score_; }

    /// Out-of-bag class probabilities per training row (NaN for rows no tree left out);
    /// empty unless fitted with oob_score = true. Not saved in artifacts.
    const Matrix& oob_decision_function() const noexcept { return oob_decision_; }

    /// Mean of the trees' impurity-based importances (each tree's sums to 1).
    Vector feature_importances() const {
        check_fitted(is_fitted(), "RandomForestClassifier::feature_importances");
        return detail::forest_importances(trees_, n_features_);
    }

    /**
     * Permutation importances: for each feature, the mean drop in accuracy on (X, y) when that
     * column is shuffled, over `n_repeats` shuffles drawn from Random(seed, feature).
     */
    Vector permutation_importances(const Matrix& X,
                                   const IntVector& y,
                                   int n_repeats = 5,
                                   std::uint64_t seed = 0) const {
        const char* who = "RandomForestClassifier::permutation_importances";
        check_fitted(is_fitted(), who);
        check_n_features(n_features(), X.cols(), who);
        check_training_shape(X, y.size(), who);
        auto accuracy = [&](const Matrix& M) {
            const IntVector p = predict(M);
            return static_cast<double>((p.array() == y.array()).count()) /
                   static_cast<double>(y.size());
        };
        return detail::permutation_drop(X, n_repeats, seed, accuracy, who);
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
        ar("criterion", criterion);
        detail::serialize_forest_params(ar, params_);
        ar.nested("class_weight", params_.class_weight);
        ar("oob_score_value", oob_score_);
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
            detail::compile_trees(trees_);
            oob_decision_ = Matrix();
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
        detail::check_no_infinity(X, who);
        return detail::average_trees(trees_, X, n_classes(), params_.n_jobs);
    }

    void check_row(const double* x, const char* who) const {
        if (!is_fitted()) {
            check_fitted(false, who);
        }
        detail::check_row_no_infinity(x, n_features(), who);
    }

    Params params_;
    IntVector classes_;
    int n_features_ = 0;
    std::vector<FlatTree> trees_;
    double oob_score_ = std::numeric_limits<double>::quiet_NaN();
    Matrix oob_decision_;
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
        /// A split must lower the weighted impurity at least this much (root-relative).
        double min_impurity_decrease = 0.0;
        /// best (random forest) or random thresholds (with bootstrap = false: extra trees).
        Splitter splitter = Splitter::best;
        /// Compute oob_score() and oob_prediction() at fit (needs bootstrap).
        bool oob_score = false;
        /// A refit of a fitted forest keeps its trees and grows only the missing ones, up to
        /// n_estimators. The features and classes must be those of the first fit (checked);
        /// the data and the other parameters should be too, but are not checked: new trees
        /// follow the parameters in force at the refit, while the saved parameters describe
        /// only those, as in scikit-learn.
        bool warm_start = false;
        /// Grow each tree best-first up to this many leaves; -1 for unlimited (depth-first).
        int max_leaf_nodes = -1;
        /// Minimal cost-complexity pruning of each tree after growing (0: none).
        double ccp_alpha = 0.0;
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
     * Grows the trees on X (one row per sample, NaN for missing) and finite targets y.
     * @throws invalid_argument for bad parameters or shapes, bad_value for infinities in X or
     * non-finite y.
     */
    RandomForestRegressor& fit(const Matrix& X, const Vector& y) { return fit(X, y, Vector()); }

    /// Grows the trees with one non-negative weight per row (empty: all 1), multiplied by each
    /// tree's bootstrap counts.
    RandomForestRegressor& fit(const Matrix& X, const Vector& y, const Vector& sample_weight) {
        const std::string who = "RandomForestRegressor::fit";
        check_training_shape(X, y.size(), who);
        detail::check_forest_params("RandomForestRegressor", params_.n_estimators, params_.n_jobs);
        const detail::TreeSettings settings =
            detail::tree_settings("RandomForestRegressor",
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
        detail::check_oob(params_.oob_score, params_.bootstrap, who);

        const std::vector<int> no_codes(static_cast<std::size_t>(X.rows()), 0);
        const std::vector<double> weights = detail::row_weights(
            no_codes, IntVector::Zero(1), ClassWeight::none(), sample_weight, who);
        std::size_t first = 0;
        if (params_.warm_start && is_fitted()) {
            detail::check_warm_start(
                who, trees_.size(), params_.n_estimators, n_features_ == X.cols());
            first = trees_.size();
        }
        trees_.resize(static_cast<std::size_t>(params_.n_estimators));
        detail::grow_forest(trees_,
                            first,
                            X,
                            settings,
                            nullptr,
                            0,
                            y.data(),
                            weights,
                            params_.bootstrap,
                            params_.seed,
                            params_.n_jobs,
                            params_.progress,
                            "RandomForestRegressor");
        n_features_ = static_cast<int>(X.cols());
        oob_score_ = std::numeric_limits<double>::quiet_NaN();
        oob_prediction_ = Vector();
        if (params_.oob_score) {
            const std::vector<double> avg =
                detail::oob_average(trees_, X, 1, params_.seed, params_.n_jobs);
            oob_prediction_ = Eigen::Map<const Vector>(avg.data(), X.rows());
            double mean = 0.0;
            Index scored = 0;
            for (Index i = 0; i < X.rows(); ++i) {
                if (!std::isnan(avg[static_cast<std::size_t>(i)])) {
                    mean += y[i];
                    ++scored;
                }
            }
            mean /= static_cast<double>(std::max<Index>(scored, 1));
            double ss_res = 0.0;
            double ss_tot = 0.0;
            for (Index i = 0; i < X.rows(); ++i) {
                const double p = avg[static_cast<std::size_t>(i)];
                if (!std::isnan(p)) {
                    ss_res += (y[i] - p) * (y[i] - p);
                    ss_tot += (y[i] - mean) * (y[i] - mean);
                }
            }
            oob_score_ = scored > 0 && ss_tot > 0 ? 1.0 - ss_res / ss_tot
                                                  : std::numeric_limits<double>::quiet_NaN();
        }
        return *this;
    }

    /// Mean prediction of the trees, one per row of X.
    Vector predict(const Matrix& X) const {
        const char* who = "RandomForestRegressor::predict";
        check_fitted(is_fitted(), who);
        check_n_features(n_features(), X.cols(), who);
        detail::check_no_infinity(X, who);
        const std::vector<double> mean = detail::average_trees(trees_, X, 1, params_.n_jobs);
        return Eigen::Map<const Vector>(mean.data(), X.rows());
    }

    /// Mean prediction for one row of n_features() values; allocates nothing.
    double predict_row(const double* x) const {
        const char* who = "RandomForestRegressor::predict_row";
        if (!is_fitted()) {
            check_fitted(false, who);
        }
        detail::check_row_no_infinity(x, n_features(), who);
        double sum = 0.0;
        detail::add_trees_row(trees_, 0, trees_.size(), x, 1, &sum);
        return sum / static_cast<double>(trees_.size());
    }

    /// R^2 of the out-of-bag predictions on the training rows; NaN unless fitted with
    /// oob_score = true.
    double oob_score() const noexcept { return oob_score_; }

    /// Out-of-bag prediction per training row (NaN for rows no tree left out); empty unless
    /// fitted with oob_score = true. Not saved in artifacts.
    const Vector& oob_prediction() const noexcept { return oob_prediction_; }

    /// Mean of the trees' impurity-based importances (each tree's sums to 1).
    Vector feature_importances() const {
        check_fitted(is_fitted(), "RandomForestRegressor::feature_importances");
        return detail::forest_importances(trees_, n_features_);
    }

    /// Permutation importances: mean drop in R^2 on (X, y) when each column is shuffled,
    /// over `n_repeats` shuffles drawn from Random(seed, feature).
    Vector permutation_importances(const Matrix& X,
                                   const Vector& y,
                                   int n_repeats = 5,
                                   std::uint64_t seed = 0) const {
        const char* who = "RandomForestRegressor::permutation_importances";
        check_fitted(is_fitted(), who);
        check_n_features(n_features(), X.cols(), who);
        check_training_shape(X, y.size(), who);
        if (!y.allFinite()) {
            PROGNOS_THROW(invalid_argument(std::string(who) +
                                           ": targets must be finite (NaN or infinity in y)"));
        }
        const double mean = y.mean();
        const double ss_tot = (y.array() - mean).square().sum();
        // The score is R², which a constant target (or a single row) leaves undefined.
        if (!(ss_tot > 0.0)) {
            PROGNOS_THROW(invalid_argument(std::string(who) +
                                           ": needs targets that vary (R² is undefined for a "
                                           "constant target or a single row)"));
        }
        auto r2 = [&](const Matrix& M) {
            const Vector p = predict(M);
            return 1.0 - (y - p).squaredNorm() / ss_tot;
        };
        return detail::permutation_drop(X, n_repeats, seed, r2, who);
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
        ar("criterion", criterion);
        detail::serialize_forest_params(ar, params_);
        ar("oob_score_value", oob_score_);
        ar("n_features", n_features_);
        ar.nested_list("trees", trees_);
        if (Archive::loading) {
            ar.require(criterion == 0 || criterion == 1,
                       "criterion must be 0 (squared_error) or 1 (absolute_error)");
            params_.criterion = static_cast<Criterion>(criterion);
            detail::check_loaded_trees(ar, trees_, params_.n_estimators, 1, n_features_);
            detail::compile_trees(trees_);
            oob_prediction_ = Vector();
        }
    }

private:
    Params params_;
    int n_features_ = 0;
    std::vector<FlatTree> trees_;
    double oob_score_ = std::numeric_limits<double>::quiet_NaN();
    Vector oob_prediction_;
};

} // namespace prognos
