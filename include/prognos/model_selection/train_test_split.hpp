// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// One random split of the rows into a training and a test part, plain or stratified by class.
///
/// The result is row indices rather than copies of the data, so one function serves matrices,
/// tables and label vectors alike and the caller picks rows with whatever container it holds.
/// Indices are sorted ascending within train and within test, so the original row order (often
/// time order in maintenance data) survives inside each part.
///
/// Test size. n_test = ceil(test_size * n_rows), except that a product within a relative 1e-9
/// of an integer counts as that integer: 0.28 * 25 is 7.000000000000001 in double, and the test
/// part must have 7 rows, not 8. No real fraction a user types is that close to an integer
/// without meaning it. test_size must lie strictly between 0 and 1, and both parts must end up
/// with at least one row; train_test_split_count takes an absolute number of test rows.
///
/// Randomness comes from prognos::Random only, so a seed gives the same split on every
/// platform and compiler.

#include <prognos/core/error.hpp>
#include <prognos/core/random.hpp>
#include <prognos/core/types.hpp>
#include <prognos/model_selection/detail/class_groups.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

namespace prognos {

/// Row indices of a training part and a test part, each sorted ascending.
struct Split {
    std::vector<std::size_t> train;
    std::vector<std::size_t> test;
};

namespace detail {

inline constexpr const char* split_who = "train_test_split";

inline void check_split_sizes(std::size_t n_rows, std::size_t n_test) {
    if (n_rows < 2) {
        PROGNOS_THROW(invalid_argument(std::string(split_who) +
                                       ": need at least 2 rows to split, got " +
                                       std::to_string(n_rows)));
    }
    if (n_test < 1 || n_test >= n_rows) {
        PROGNOS_THROW(invalid_argument(std::string(split_who) + ": " + std::to_string(n_test) +
                                       " test rows out of " + std::to_string(n_rows) + " leave " +
                                       (n_test < 1 ? "no test" : "no training") +
                                       " rows; both parts need at least one"));
    }
}

/// n_test = ceil(test_size * n_rows), robust to the rounding error of the product.
inline std::size_t test_count(std::size_t n_rows, double test_size) {
    if (!(test_size > 0.0 && test_size < 1.0)) {
        PROGNOS_THROW(invalid_argument(
            std::string(split_who) + ": test_size must be a fraction in (0, 1), got " +
            std::to_string(test_size) +
            " (use train_test_split_count for an absolute number of test rows)"));
    }
    const double product = test_size * static_cast<double>(n_rows);
    const double nearest = std::round(product);
    const double tolerance = 1e-9 * std::max(1.0, product);
    const double count = std::abs(product - nearest) <= tolerance ? nearest : std::ceil(product);
    return static_cast<std::size_t>(count);
}

inline Split sorted_split(std::vector<std::size_t> train, std::vector<std::size_t> test) {
    std::sort(train.begin(), train.end());
    std::sort(test.begin(), test.end());
    return Split{std::move(train), std::move(test)};
}

inline Split random_split(std::size_t n_rows, std::size_t n_test, std::uint64_t seed) {
    check_split_sizes(n_rows, n_test);
    std::vector<std::size_t> rows(n_rows);
    std::iota(rows.begin(), rows.end(), std::size_t{0});
    Random rng(seed);
    rng.shuffle(rows.begin(), rows.end());
    const auto cut = rows.begin() + static_cast<std::ptrdiff_t>(n_test);
    return sorted_split(std::vector<std::size_t>(cut, rows.end()),
                        std::vector<std::size_t>(rows.begin(), cut));
}

/// Test rows per class: proportional to class size, summing exactly to n_test, and leaving at
/// least one row of every class on each side. Floors of the proportional shares are clamped to
/// [1, size - 1]; the rows still missing (or in excess) go to (come from) the classes whose
/// share is furthest from their count, earlier classes first on ties, so no randomness is spent
/// here. Each class is then within one row of its exact share unless the clamps force more.
inline std::vector<std::size_t> allocate_test_rows(const ClassGroups& g, std::size_t n_test) {
    const std::size_t k = g.members.size();
    std::vector<double> share(k);
    std::vector<std::size_t> count(k);
    std::size_t total = 0;
    for (std::size_t c = 0; c < k; ++c) {
        const auto size = g.members[c].size();
        share[c] =
            static_cast<double>(n_test) * static_cast<double>(size) / static_cast<double>(g.n_rows);
        count[c] =
            std::clamp(static_cast<std::size_t>(std::floor(share[c])), std::size_t{1}, size - 1);
        total += count[c];
    }
    while (total < n_test) {
        std::size_t best = k;
        for (std::size_t c = 0; c < k; ++c) {
            if (count[c] + 1 < g.members[c].size() &&
                (best == k || share[c] - static_cast<double>(count[c]) >
                                  share[best] - static_cast<double>(count[best]))) {
                best = c;
            }
        }
        PROGNOS_ASSERT(best < k); // check_stratifiable guarantees room
        ++count[best];
        ++total;
    }
    while (total > n_test) {
        std::size_t best = k;
        for (std::size_t c = 0; c < k; ++c) {
            if (count[c] > 1 && (best == k || static_cast<double>(count[c]) - share[c] >
                                                  static_cast<double>(count[best]) - share[best])) {
                best = c;
            }
        }
        PROGNOS_ASSERT(best < k);
        --count[best];
        --total;
    }
    return count;
}

/// Every class needs two members for a stratified split: one for each side.
inline void check_stratifiable(const ClassGroups& g, std::size_t n_test) {
    for (std::size_t c = 0; c < g.members.size(); ++c) {
        const auto size = g.members[c].size();
        if (size < 2) {
            PROGNOS_THROW(invalid_argument(
                std::string(split_who) + ": cannot stratify: class " + g.names[c] + " has " +
                std::to_string(size) + " member" + (size == 1 ? "" : "s") +
                ", but a stratified split needs at least 2 per class (one for train, one for "
                "test); merge or drop that class, or use a non-stratified split "
                "(stratify = false)"));
        }
    }
    const std::size_t k = g.members.size();
    if (n_test < k || g.n_rows - n_test < k) {
        PROGNOS_THROW(invalid_argument(
            std::string(split_who) + ": cannot stratify " + std::to_string(k) + " classes into " +
            std::to_string(n_test) + " test and " + std::to_string(g.n_rows - n_test) +
            " training rows; each part needs at least one row per class (change test_size, "
            "or use a non-stratified split)"));
    }
}

inline Split stratified_split(const ClassGroups& g, std::size_t n_test, std::uint64_t seed) {
    check_split_sizes(g.n_rows, n_test);
    check_stratifiable(g, n_test);
    const auto per_class = allocate_test_rows(g, n_test);
    Random rng(seed);
    std::vector<std::size_t> train, test;
    for (std::size_t c = 0; c < g.members.size(); ++c) {
        std::vector<std::size_t> rows = g.members[c];
        rng.shuffle(rows.begin(), rows.end());
        const auto cut = rows.begin() + static_cast<std::ptrdiff_t>(per_class[c]);
        test.insert(test.end(), rows.begin(), cut);
        train.insert(train.end(), cut, rows.end());
    }
    return sorted_split(std::move(train), std::move(test));
}

inline Split
split_by_labels(const ClassGroups& g, std::size_t n_test, std::uint64_t seed, bool stratify) {
    return stratify ? stratified_split(g, n_test, seed) : random_split(g.n_rows, n_test, seed);
}

} // namespace detail

/**
 * Random split of n_rows rows, ceil(test_size * n_rows) of them into the test part (see the
 * file comment for the rounding rule).
 * @throws invalid_argument if test_size is not in (0, 1) or a part would be empty.
 */
inline Split train_test_split(std::size_t n_rows, double test_size, std::uint64_t seed) {
    return detail::random_split(n_rows, detail::test_count(n_rows, test_size), seed);
}

/**
 * Split of the rows of y, stratified by class unless `stratify` is false: each class is split
 * in proportion, with at least one row of it on each side.
 * @throws invalid_argument if test_size is not in (0, 1), a part would be empty, or, when
 *         stratifying, a class has fewer than 2 members (the message names the label and its
 *         count) or there are more classes than rows in a part. Nothing is returned on error.
 */
inline Split
train_test_split(const IntVector& y, double test_size, std::uint64_t seed, bool stratify = true) {
    const auto n_test = detail::test_count(static_cast<std::size_t>(y.size()), test_size);
    return detail::split_by_labels(detail::group_by_class(y), n_test, seed, stratify);
}

/// train_test_split for string labels, so that errors name the label text.
inline Split train_test_split(const std::vector<std::string>& y,
                              double test_size,
                              std::uint64_t seed,
                              bool stratify = true) {
    const auto n_test = detail::test_count(y.size(), test_size);
    return detail::split_by_labels(detail::group_by_class(y), n_test, seed, stratify);
}

/// Random split with exactly n_test test rows.
inline Split train_test_split_count(std::size_t n_rows, std::size_t n_test, std::uint64_t seed) {
    return detail::random_split(n_rows, n_test, seed);
}

/// Split of the rows of y with exactly n_test test rows, stratified unless `stratify` is false.
inline Split train_test_split_count(const IntVector& y,
                                    std::size_t n_test,
                                    std::uint64_t seed,
                                    bool stratify = true) {
    return detail::split_by_labels(detail::group_by_class(y), n_test, seed, stratify);
}

/// train_test_split_count for string labels.
inline Split train_test_split_count(const std::vector<std::string>& y,
                                    std::size_t n_test,
                                    std::uint64_t seed,
                                    bool stratify = true) {
    return detail::split_by_labels(detail::group_by_class(y), n_test, seed, stratify);
}

} // namespace prognos
