// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// K-fold cross-validation splitters: KFold over rows, StratifiedKFold over the rows of a label
/// vector. Each returns one Split per fold (test = the fold, train = the rest), with indices
/// sorted ascending as from train_test_split.
///
/// Folds are returned all at once rather than through an iterator: n_splits index vectors of a
/// few rows each cost little, and a plain vector is easy to hand to a parallel loop.

#include <prognos/core/error.hpp>
#include <prognos/core/random.hpp>
#include <prognos/core/types.hpp>
#include <prognos/model_selection/detail/class_groups.hpp>
#include <prognos/model_selection/train_test_split.hpp>

#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

namespace prognos {

namespace detail {

inline void check_n_splits(int n_splits, const char* who) {
    if (n_splits < 2) {
        PROGNOS_THROW(invalid_argument(std::string(who) + ": n_splits must be >= 2, got " +
                                       std::to_string(n_splits)));
    }
}

/// Turns a fold number per row into one Split per fold.
inline std::vector<Split> folds_from_assignment(const std::vector<std::size_t>& fold_of_row,
                                                std::size_t n_splits) {
    std::vector<Split> folds(n_splits);
    for (std::size_t row = 0; row < fold_of_row.size(); ++row) {
        for (std::size_t f = 0; f < n_splits; ++f) {
            (f == fold_of_row[row] ? folds[f].test : folds[f].train).push_back(row);
        }
    }
    return folds;
}

} // namespace detail

/// K-fold splitter: the rows, shuffled or not, cut into n_splits consecutive folds whose sizes
/// differ by at most one (the first n_rows % n_splits folds get the extra row, as scikit-learn).
class KFold {
public:
    struct Params {
        int n_splits = 5;     ///< Number of folds, >= 2.
        bool shuffle = false; ///< Shuffle rows before cutting; otherwise folds are contiguous.
        std::uint64_t random_state = 0; ///< Seed for the shuffle; unused without shuffle.
    };

    /// Default parameters: 5 folds, no shuffle.
    KFold()
        : KFold(Params{}) {}

    /// @throws invalid_argument if n_splits < 2.
    explicit KFold(Params params)
        : params_(params) {
        detail::check_n_splits(params_.n_splits, "KFold");
    }

    /// The parameters given at construction.
    const Params& params() const noexcept { return params_; }

    /**
     * The folds of n_rows rows.
     * @throws invalid_argument if n_rows < n_splits (a fold would be empty).
     */
    std::vector<Split> split(std::size_t n_rows) const {
        const auto k = static_cast<std::size_t>(params_.n_splits);
        if (n_rows < k) {
            PROGNOS_THROW(invalid_argument("KFold::split: n_splits = " + std::to_string(k) +
                                           " is more than the " + std::to_string(n_rows) +
                                           " rows; every fold needs at least one row"));
        }
        std::vector<std::size_t> rows(n_rows);
        std::iota(rows.begin(), rows.end(), std::size_t{0});
        if (params_.shuffle) {
            Random rng(params_.random_state);
            rng.shuffle(rows.begin(), rows.end());
        }
        std::vector<std::size_t> fold_of_row(n_rows);
        std::size_t start = 0;
        for (std::size_t f = 0; f < k; ++f) {
            const std::size_t size = n_rows / k + (f < n_rows % k ? 1 : 0);
            for (std::size_t i = start; i < start + size; ++i) {
                fold_of_row[rows[i]] = f;
            }
            start += size;
        }
        return detail::folds_from_assignment(fold_of_row, k);
    }

private:
    Params params_;
};

/**
 * Stratified K-fold splitter: every fold holds each class in proportion, within one row.
 *
 * Rows are taken class by class (classes in label order, rows in their original order or
 * shuffled) and dealt to the folds in turn, continuing the turn from one class to the next, so
 * per-class counts and fold sizes both differ by at most one between folds. The dealing is not
 * scikit-learn's algorithm, so the folds differ from scikit-learn's for the same data.
 *
 * Stricter than scikit-learn, which only warns: a class with fewer members than n_splits is an
 * error, because some test fold would lack that class and any metric needing both classes
 * (ROC AUC on a rare failure class) would be undefined there.
 */
class StratifiedKFold {
public:
    struct Params {
        int n_splits = 5;               ///< Number of folds, >= 2.
        bool shuffle = false;           ///< Shuffle rows within each class before dealing.
        std::uint64_t random_state = 0; ///< Seed for the shuffle; unused without shuffle.
    };

    /// Default parameters: 5 folds, no shuffle.
    StratifiedKFold()
        : StratifiedKFold(Params{}) {}

    /// @throws invalid_argument if n_splits < 2.
    explicit StratifiedKFold(Params params)
        : params_(params) {
        detail::check_n_splits(params_.n_splits, "StratifiedKFold");
    }

    /// The parameters given at construction.
    const Params& params() const noexcept { return params_; }

    /// The folds of the rows of y.
    /// @throws invalid_argument if a class has fewer than n_splits members (named in the message).
    std::vector<Split> split(const IntVector& y) const {
        return split_groups(detail::group_by_class(y));
    }

    /// The folds of the rows of y, for string labels.
    std::vector<Split> split(const std::vector<std::string>& y) const {
        return split_groups(detail::group_by_class(y));
    }

private:
    std::vector<Split> split_groups(const detail::ClassGroups& g) const {
        const auto k = static_cast<std::size_t>(params_.n_splits);
        if (g.n_rows == 0) {
            PROGNOS_THROW(invalid_argument("StratifiedKFold::split: y is empty"));
        }
        for (std::size_t c = 0; c < g.members.size(); ++c) {
            if (g.members[c].size() < k) {
                PROGNOS_THROW(invalid_argument(
                    "StratifiedKFold::split: class " + g.names[c] + " has " +
                    std::to_string(g.members[c].size()) + " members but n_splits = " +
                    std::to_string(k) + " needs at least " + std::to_string(k) +
                    " so that every test fold holds it; lower n_splits or use KFold"));
            }
        }
        Random rng(params_.random_state);
        std::vector<std::size_t> fold_of_row(g.n_rows);
        std::size_t turn = 0;
        for (const auto& members : g.members) {
            std::vector<std::size_t> rows = members;
            if (params_.shuffle) {
                rng.shuffle(rows.begin(), rows.end());
            }
            for (std::size_t row : rows) {
                fold_of_row[row] = turn++ % k;
            }
        }
        return detail::folds_from_assignment(fold_of_row, k);
    }

    Params params_;
};

} // namespace prognos
