// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Cross-validation and grid search over any estimator: a model, or a whole pipeline fitted on
/// a Table, so that every preprocessing step is refitted inside each fold and nothing learnt
/// from a test fold leaks into its training.
///
/// The folds are given by the caller (KFold, StratifiedKFold, GroupKFold, TimeSeriesSplit or
/// hand-made), because which split is honest depends on the data, not on the model. Folds and
/// candidates run in parallel through prognos::parallel_for. Each task copies the estimator,
/// fits the copy and writes only its own result slot, so the figures are the same at any
/// thread count; an estimator with its own n_jobs (a forest) then also starts threads inside
/// each task, so give it n_jobs = 1 when there are at least as many tasks as cores.
///
/// Scores are "higher is better": pass a negated error (for example
/// `[](auto& y, auto& p) { return -root_mean_squared_error(y, p); }`).

#include <prognos/core/error.hpp>
#include <prognos/core/parallel.hpp>
#include <prognos/core/traits.hpp>
#include <prognos/core/types.hpp>
#include <prognos/model_selection/train_test_split.hpp>

#include <cmath>
#include <cstddef>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace prognos {

namespace detail {

template <class Data, class = void>
struct has_take_rows : std::false_type {};

template <class Data>
struct has_take_rows<Data,
                     std::void_t<decltype(std::declval<const Data&>().take(
                         std::declval<const std::vector<std::size_t>&>()))>> : std::true_type {};

/// The given rows of a Table (anything with take(rows)) or of an Eigen matrix or vector.
template <class Data>
Data take_rows(const Data& data, const std::vector<std::size_t>& rows) {
    if constexpr (has_take_rows<Data>::value) {
        return data.take(rows);
    } else {
        Data out(static_cast<Index>(rows.size()), data.cols());
        for (std::size_t i = 0; i < rows.size(); ++i) {
            out.row(static_cast<Index>(i)) = data.row(static_cast<Index>(rows[i]));
        }
        return out;
    }
}

inline double mean_of(const std::vector<double>& v) {
    double s = 0.0;
    for (double x : v) {
        s += x;
    }
    return s / static_cast<double>(v.size());
}

/// Population standard deviation, as scikit-learn's cv_results_ std_test_score.
inline double std_of(const std::vector<double>& v) {
    const double m = mean_of(v);
    double s = 0.0;
    for (double x : v) {
        s += (x - m) * (x - m);
    }
    return std::sqrt(s / static_cast<double>(v.size()));
}

inline void check_folds(const std::vector<Split>& folds, std::size_t n_rows, const char* who) {
    if (folds.empty()) {
        PROGNOS_THROW(invalid_argument(std::string(who) + ": no folds given"));
    }
    for (std::size_t f = 0; f < folds.size(); ++f) {
        if (folds[f].train.empty() || folds[f].test.empty()) {
            PROGNOS_THROW(invalid_argument(std::string(who) + ": fold " + std::to_string(f) +
                                           " has an empty training or test part"));
        }
        for (const auto* part : {&folds[f].train, &folds[f].test}) {
            for (std::size_t r : *part) {
                if (r >= n_rows) {
                    PROGNOS_THROW(invalid_argument(std::string(who) + ": fold " +
                                                   std::to_string(f) + " holds row " +
                                                   std::to_string(r) + " but the data has " +
                                                   std::to_string(n_rows) + " rows"));
                }
            }
        }
    }
}

template <class Data>
std::size_t n_rows_of(const Data& data) {
    if constexpr (has_take_rows<Data>::value) {
        return data.rows();
    } else {
        return static_cast<std::size_t>(data.rows());
    }
}

} // namespace detail

/// Results of cross_validate().
template <class Prediction>
struct CrossValidation {
    std::vector<double> scores; ///< one per fold, in fold order
    double mean_score = 0.0;
    double std_score = 0.0; ///< population standard deviation over folds
    /// Out-of-fold predict() of every row, from the model that did not see it. A row in no
    /// test fold holds 0; a row in several (TimeSeriesSplit never does that) the last fold's.
    Prediction predictions;
    /// Out-of-fold predict_proba() for estimators that have it (one column per class), else
    /// empty. The input of cost_optimal_threshold().
    Matrix probabilities;
};

/**
 * Fits a copy of `estimator` on the training part of each fold, predicts its test part and
 * scores it with scorer(y_test, predictions) (higher is better).
 *
 * @param X a Table (for a pipeline) or a Matrix
 * @param y one target per row: IntVector of labels or Vector of values
 * @param n_jobs threads over folds (see resolve_n_jobs); the result does not depend on it
 * @throws invalid_argument for mismatched sizes, empty folds or rows out of range, or folds
 *         whose models disagree on the number of classes; whatever fit or predict throws
 */
template <class Estimator, class Data, class Target, class Scorer>
auto cross_validate(const Estimator& estimator,
                    const Data& X,
                    const Target& y,
                    const std::vector<Split>& folds,
                    Scorer&& scorer,
                    int n_jobs = -1) {
    using Prediction = std::decay_t<decltype(estimator.predict(X))>;
    constexpr bool with_proba = has_predict_proba<Estimator, Data>::value;
    const char* who = "cross_validate";
    const std::size_t n = detail::n_rows_of(X);
    if (static_cast<std::size_t>(y.size()) != n) {
        PROGNOS_THROW(invalid_argument(std::string(who) + ": X has " + std::to_string(n) +
                                       " rows but y has " + std::to_string(y.size()) + " values"));
    }
    detail::check_folds(folds, n, who);

    std::vector<Prediction> fold_pred(folds.size());
    std::vector<Matrix> fold_proba(folds.size());
    std::vector<double> scores(folds.size());
    parallel_for(folds.size(), n_jobs, [&](std::size_t f) {
        Estimator model = estimator;
        model.fit(detail::take_rows(X, folds[f].train), detail::take_rows(y, folds[f].train));
        const Data X_test = detail::take_rows(X, folds[f].test);
        fold_pred[f] = model.predict(X_test);
        if constexpr (with_proba) {
            fold_proba[f] = model.predict_proba(X_test);
        }
        scores[f] = scorer(detail::take_rows(y, folds[f].test), fold_pred[f]);
    });

    CrossValidation<Prediction> out;
    out.scores = scores;
    out.mean_score = detail::mean_of(scores);
    out.std_score = detail::std_of(scores);
    out.predictions = Prediction::Zero(static_cast<Index>(n));
    if constexpr (with_proba) {
        const Index n_classes = fold_proba[0].cols();
        out.probabilities = Matrix::Zero(static_cast<Index>(n), n_classes);
        for (std::size_t f = 0; f < folds.size(); ++f) {
            if (fold_proba[f].cols() != n_classes) {
                PROGNOS_THROW(invalid_argument(
                    std::string(who) + ": the model of fold " + std::to_string(f) + " knows " +
                    std::to_string(fold_proba[f].cols()) + " classes, that of fold 0 " +
                    std::to_string(n_classes) +
                    "; every training part needs every class (use StratifiedKFold)"));
            }
        }
    }
    for (std::size_t f = 0; f < folds.size(); ++f) {
        for (std::size_t i = 0; i < folds[f].test.size(); ++i) {
            const auto r = static_cast<Index>(folds[f].test[i]);
            out.predictions[r] = fold_pred[f][static_cast<Index>(i)];
            if constexpr (with_proba) {
                out.probabilities.row(r) = fold_proba[f].row(static_cast<Index>(i));
            }
        }
    }
    return out;
}

/**
 * The candidates of a grid search: named axes of values, each with a setter that writes a
 * value into an estimator, so any parameter of any pipeline step can be searched:
 *
 *     ParamGrid<MyPipeline> grid;
 *     grid.add("window", std::vector<int>{10, 20, 30},
 *              [](MyPipeline& p, int w) { p.step<0>().params().window = w; });
 *
 * Candidates are the Cartesian product of the axes, the last axis varying fastest.
 */
template <class Estimator>
class ParamGrid {
public:
    /// Adds an axis; `set(estimator, value)` applies one value.
    template <class T, class Setter>
    ParamGrid& add(std::string name, std::vector<T> values, Setter set) {
        if (values.empty()) {
            PROGNOS_THROW(invalid_argument("ParamGrid::add: axis '" + name + "' has no values"));
        }
        Axis axis;
        axis.name = std::move(name);
        for (const auto& v : values) {
            axis.labels.push_back(label(v));
            axis.apply.push_back([set, v](Estimator& e) { set(e, v); });
        }
        axes_.push_back(std::move(axis));
        return *this;
    }

    /// Number of candidates (1 for an empty grid: the estimator as given).
    std::size_t size() const noexcept {
        std::size_t n = 1;
        for (const auto& a : axes_) {
            n *= a.labels.size();
        }
        return n;
    }

    /// (axis name, value as text) of candidate c.
    std::vector<std::pair<std::string, std::string>> describe(std::size_t c) const {
        std::vector<std::pair<std::string, std::string>> out;
        for (auto [axis, value] : positions(c)) {
            out.emplace_back(axes_[axis].name, axes_[axis].labels[value]);
        }
        return out;
    }

    /// Writes candidate c's values into `estimator`.
    void apply(std::size_t c, Estimator& estimator) const {
        for (auto [axis, value] : positions(c)) {
            axes_[axis].apply[value](estimator);
        }
    }

private:
    struct Axis {
        std::string name;
        std::vector<std::string> labels;
        std::vector<std::function<void(Estimator&)>> apply;
    };

    template <class T>
    static std::string label(const T& v) {
        if constexpr (std::is_arithmetic_v<T>) {
            return std::to_string(v);
        } else if constexpr (std::is_convertible_v<T, std::string>) {
            return std::string(v);
        } else {
            return "<value>";
        }
    }

    std::vector<std::pair<std::size_t, std::size_t>> positions(std::size_t c) const {
        if (c >= size()) {
            PROGNOS_THROW(invalid_argument("ParamGrid: candidate " + std::to_string(c) +
                                           " is out of range for " + std::to_string(size())));
        }
        std::vector<std::pair<std::size_t, std::size_t>> out(axes_.size());
        for (std::size_t a = axes_.size(); a-- > 0;) {
            out[a] = {a, c % axes_[a].labels.size()};
            c /= axes_[a].labels.size();
        }
        return out;
    }

    std::vector<Axis> axes_;
};

/// Results of grid_search().
template <class Estimator>
struct GridSearch {
    std::vector<std::vector<std::pair<std::string, std::string>>> params; ///< per candidate
    std::vector<std::vector<double>> fold_scores; ///< per candidate, per fold
    std::vector<double> mean_scores;              ///< per candidate
    std::vector<double> std_scores;               ///< per candidate
    std::size_t best_index = 0; ///< highest mean score; ties to the earliest candidate
    /// The best candidate refitted on all rows (when refit), else unfitted with its values.
    Estimator best_estimator;
};

/**
 * Cross-validates every candidate of `grid` on the same folds, all candidate-fold pairs in
 * parallel, and refits the best on every row.
 * @throws as cross_validate()
 */
template <class Estimator, class Data, class Target, class Scorer>
GridSearch<Estimator> grid_search(const Estimator& estimator,
                                  const ParamGrid<Estimator>& grid,
                                  const Data& X,
                                  const Target& y,
                                  const std::vector<Split>& folds,
                                  Scorer&& scorer,
                                  int n_jobs = -1,
                                  bool refit = true) {
    const char* who = "grid_search";
    const std::size_t n = detail::n_rows_of(X);
    if (static_cast<std::size_t>(y.size()) != n) {
        PROGNOS_THROW(invalid_argument(std::string(who) + ": X has " + std::to_string(n) +
                                       " rows but y has " + std::to_string(y.size()) + " values"));
    }
    detail::check_folds(folds, n, who);
    const std::size_t n_candidates = grid.size();
    const std::size_t k = folds.size();
    std::vector<double> scores(n_candidates * k);
    parallel_for(n_candidates * k, n_jobs, [&](std::size_t task) {
        const std::size_t c = task / k, f = task % k;
        Estimator model = estimator;
        grid.apply(c, model);
        model.fit(detail::take_rows(X, folds[f].train), detail::take_rows(y, folds[f].train));
        scores[task] = scorer(detail::take_rows(y, folds[f].test),
                              model.predict(detail::take_rows(X, folds[f].test)));
    });

    GridSearch<Estimator> out{{}, {}, {}, {}, 0, estimator};
    for (std::size_t c = 0; c < n_candidates; ++c) {
        out.params.push_back(grid.describe(c));
        out.fold_scores.emplace_back(scores.begin() + static_cast<std::ptrdiff_t>(c * k),
                                     scores.begin() + static_cast<std::ptrdiff_t>((c + 1) * k));
        out.mean_scores.push_back(detail::mean_of(out.fold_scores.back()));
        out.std_scores.push_back(detail::std_of(out.fold_scores.back()));
        if (out.mean_scores[c] > out.mean_scores[out.best_index]) {
            out.best_index = c;
        }
    }
    grid.apply(out.best_index, out.best_estimator);
    if (refit) {
        out.best_estimator.fit(X, y);
    }
    return out;
}

} // namespace prognos
