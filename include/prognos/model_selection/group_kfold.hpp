// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Splitters for data whose rows are not independent: GroupKFold keeps every row of one group
/// (one machine, one engine) on the same side, and TimeSeriesSplit only ever tests on rows
/// that come after the training rows, optionally leaving a gap between them.
///
/// Rows of one machine are strongly correlated. A plain K-fold puts some of an engine's cycles
/// in training and its neighbours in test, and the model is then scored on what it has in
/// effect already seen: validation figures look far better than the model will do on a new
/// machine. Group folds measure what matters, the error on assets never seen in training.

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>
#include <prognos/model_selection/kfold.hpp>
#include <prognos/model_selection/train_test_split.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <numeric>
#include <string>
#include <vector>

namespace prognos {

/**
 * K-fold over groups: each group's rows all land in one test fold, and no group is ever in
 * both the training and the test part of a split.
 *
 * Groups are dealt largest first to the fold with the fewest rows so far (ties to the lower
 * fold number; equal-sized groups in order of their id), which balances fold sizes as
 * scikit-learn's GroupKFold does. Deterministic: no shuffling, no seed.
 */
class GroupKFold {
public:
    struct Params {
        int n_splits = 5; ///< Number of folds, >= 2 and at most the number of groups.
    };

    GroupKFold()
        : GroupKFold(Params{}) {}

    /// @throws invalid_argument if n_splits < 2
    explicit GroupKFold(Params params)
        : params_(params) {
        detail::check_n_splits(params_.n_splits, "GroupKFold");
    }

    const Params& params() const noexcept { return params_; }

    /// Folds for integer group ids, one per row.
    /// @throws invalid_argument when there are fewer groups than folds
    std::vector<Split> split(const IntVector& groups) const {
        return split_ids(std::vector<int>(groups.data(), groups.data() + groups.size()));
    }

    /// Folds for group ids as text (machine serial numbers).
    std::vector<Split> split(const std::vector<std::string>& groups) const {
        return split_ids(groups);
    }

    /// Folds for numeric group ids (an asset column read as numbers). Ids are compared
    /// exactly (0 and -0 are one group). A NaN id is refused: it equals nothing, not even
    /// itself, so no group could hold it, and as a map key it would break the ordering and
    /// merge its row into some other group.
    /// @throws bad_value for a NaN id, naming its row
    std::vector<Split> split(const std::vector<double>& groups) const {
        for (std::size_t r = 0; r < groups.size(); ++r) {
            if (std::isnan(groups[r])) {
                PROGNOS_THROW(
                    bad_value("GroupKFold::split: " + detail::row_name(static_cast<Index>(r)) +
                                  " has a missing (NaN) group id",
                              static_cast<Index>(r),
                              -1));
            }
        }
        return split_ids(groups);
    }

private:
    template <class Id>
    std::vector<Split> split_ids(const std::vector<Id>& groups) const {
        const auto k = static_cast<std::size_t>(params_.n_splits);
        std::map<Id, std::vector<std::size_t>> members;
        for (std::size_t r = 0; r < groups.size(); ++r) {
            members[groups[r]].push_back(r);
        }
        if (members.size() < k) {
            PROGNOS_THROW(invalid_argument("GroupKFold::split: n_splits = " + std::to_string(k) +
                                           " is more than the " + std::to_string(members.size()) +
                                           " groups; every fold needs at least one group"));
        }
        std::vector<const std::vector<std::size_t>*> order;
        for (const auto& m : members) {
            order.push_back(&m.second);
        }
        std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
            return a->size() > b->size();
        });
        std::vector<std::size_t> load(k, 0), fold_of_row(groups.size());
        for (const auto* rows : order) {
            const auto f =
                static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
            load[f] += rows->size();
            for (std::size_t r : *rows) {
                fold_of_row[r] = f;
            }
        }
        return detail::folds_from_assignment(fold_of_row, k);
    }

    Params params_;
};

/**
 * Forward-chaining splits for rows in time order: split i tests on the i-th of n_splits
 * consecutive blocks at the end of the data and trains on everything before it, minus a gap.
 *
 * As scikit-learn's TimeSeriesSplit: the test blocks have test_size rows (default
 * n_rows / (n_splits + 1)), the last ends at the last row, and the training part of each split
 * ends `gap` rows before its test block, so that labels looking ahead (fails within H cycles)
 * of the last training rows do not reach into the test period. max_train_size > 0 keeps only
 * that many most recent training rows.
 */
class TimeSeriesSplit {
public:
    struct Params {
        int n_splits = 5;       ///< Number of splits, >= 2.
        int gap = 0;            ///< Rows left out between training and test, >= 0.
        int test_size = 0;      ///< Rows per test block; 0 = n_rows / (n_splits + 1).
        int max_train_size = 0; ///< Most recent training rows kept; 0 = all.
    };

    TimeSeriesSplit()
        : TimeSeriesSplit(Params{}) {}

    /// @throws invalid_argument for n_splits < 2 or a negative gap, test_size or max_train_size
    explicit TimeSeriesSplit(Params params)
        : params_(params) {
        detail::check_n_splits(params_.n_splits, "TimeSeriesSplit");
        if (params_.gap < 0 || params_.test_size < 0 || params_.max_train_size < 0) {
            PROGNOS_THROW(invalid_argument(
                "TimeSeriesSplit: gap, test_size and max_train_size must be >= 0, got " +
                std::to_string(params_.gap) + ", " + std::to_string(params_.test_size) + ", " +
                std::to_string(params_.max_train_size)));
        }
    }

    const Params& params() const noexcept { return params_; }

    /// The splits of n_rows rows in time order.
    /// @throws invalid_argument when the rows do not leave every split a training row
    std::vector<Split> split(std::size_t n_rows) const {
        const auto k = static_cast<std::size_t>(params_.n_splits);
        const auto gap = static_cast<std::size_t>(params_.gap);
        const std::size_t test_size =
            params_.test_size > 0 ? static_cast<std::size_t>(params_.test_size) : n_rows / (k + 1);
        if (test_size == 0 || k * test_size + gap >= n_rows) {
            PROGNOS_THROW(invalid_argument(
                "TimeSeriesSplit::split: " + std::to_string(n_rows) + " rows are too few for " +
                std::to_string(k) + " test blocks of " + std::to_string(test_size) +
                " rows after a gap of " + std::to_string(gap) + " and at least one training row"));
        }
        std::vector<Split> out(k);
        for (std::size_t i = 0; i < k; ++i) {
            const std::size_t test_start = n_rows - (k - i) * test_size;
            const std::size_t train_end = test_start - gap;
            std::size_t train_start = 0;
            if (params_.max_train_size > 0 &&
                train_end > static_cast<std::size_t>(params_.max_train_size)) {
                train_start = train_end - static_cast<std::size_t>(params_.max_train_size);
            }
            for (std::size_t r = train_start; r < train_end; ++r) {
                out[i].train.push_back(r);
            }
            for (std::size_t r = test_start; r < test_start + test_size; ++r) {
                out[i].test.push_back(r);
            }
        }
        return out;
    }

private:
    Params params_;
};

} // namespace prognos
