// SPDX-License-Identifier: Apache-2.0
// GroupKFold never splits a group; TimeSeriesSplit matches scikit-learn's documented folds.
#include <prognos/core/random.hpp>
#include <prognos/model_selection/group_kfold.hpp>

#include <algorithm>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "support/catch.hpp"

TEST_CASE("group k-fold never puts one asset on both sides", "[model_selection][group]") {
    // 37 assets with 1 to 60 rows each, rows interleaved at random.
    prognos::Random rng(11);
    std::vector<std::string> groups;
    for (int a = 0; a < 37; ++a) {
        const auto rows = 1 + rng.uniform_index(60);
        for (std::uint64_t i = 0; i < rows; ++i) {
            groups.push_back("asset-" + std::to_string(a));
        }
    }
    rng.shuffle(groups.begin(), groups.end());
    for (int k : {2, 5, 10, 37}) {
        const auto folds = prognos::GroupKFold({k}).split(groups);
        REQUIRE(folds.size() == static_cast<std::size_t>(k));
        std::vector<int> tested(groups.size(), 0);
        for (const auto& f : folds) {
            std::set<std::string> train, test;
            for (auto r : f.train) {
                train.insert(groups[r]);
            }
            for (auto r : f.test) {
                test.insert(groups[r]);
                ++tested[r];
            }
            for (const auto& g : test) {
                REQUIRE(train.count(g) == 0);
            }
            REQUIRE(f.train.size() + f.test.size() == groups.size());
            REQUIRE_FALSE(f.test.empty());
        }
        // Every row is tested exactly once.
        REQUIRE(std::all_of(tested.begin(), tested.end(), [](int c) { return c == 1; }));
    }
}

TEST_CASE("group k-fold balances fold sizes largest group first", "[model_selection][group]") {
    // Group sizes 5, 4, 3, 2, 1 over 2 folds: 5 -> fold 0, 4 -> fold 1, 3 -> fold 1 (4 < 5),
    // 2 -> fold 0 (5 < 7), 1 -> fold 0 (7 = 7, lower fold): sizes 8 and 7.
    prognos::IntVector g(15);
    g << 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5;
    const auto folds = prognos::GroupKFold({2}).split(g);
    REQUIRE(folds[0].test == std::vector<std::size_t>{0, 1, 2, 3, 4, 12, 13, 14});
    REQUIRE(folds[1].test == std::vector<std::size_t>{5, 6, 7, 8, 9, 10, 11});
    REQUIRE_THROWS_WITH(prognos::GroupKFold({6}).split(g),
                        ptest::contains("n_splits = 6 is more than the 5 groups"));
}

TEST_CASE("time series splits with a gap match scikit-learn", "[model_selection][time]") {
    // scikit-learn 1.2: TimeSeriesSplit(n_splits=3, test_size=2, gap=2).split(np.zeros(12)).
    auto folds = prognos::TimeSeriesSplit({3, 2, 2, 0}).split(12);
    REQUIRE(folds.size() == 3);
    REQUIRE(folds[0].train == std::vector<std::size_t>{0, 1, 2, 3});
    REQUIRE(folds[0].test == std::vector<std::size_t>{6, 7});
    REQUIRE(folds[1].train == std::vector<std::size_t>{0, 1, 2, 3, 4, 5});
    REQUIRE(folds[1].test == std::vector<std::size_t>{8, 9});
    REQUIRE(folds[2].train.size() == 8);
    REQUIRE(folds[2].test == std::vector<std::size_t>{10, 11});
    // TimeSeriesSplit(n_splits=3, gap=1, max_train_size=3).split(np.zeros(10)).
    folds = prognos::TimeSeriesSplit({3, 1, 0, 3}).split(10);
    REQUIRE(folds[0].train == std::vector<std::size_t>{0, 1, 2});
    REQUIRE(folds[0].test == std::vector<std::size_t>{4, 5});
    REQUIRE(folds[1].train == std::vector<std::size_t>{2, 3, 4});
    REQUIRE(folds[2].train == std::vector<std::size_t>{4, 5, 6});
    REQUIRE(folds[2].test == std::vector<std::size_t>{8, 9});
    REQUIRE_THROWS_WITH(prognos::TimeSeriesSplit({5, 3, 2, 0}).split(12),
                        ptest::contains("12 rows are too few"));
    REQUIRE_THROWS_AS(prognos::TimeSeriesSplit({3, -1, 0, 0}), prognos::invalid_argument);
}

TEST_CASE("group k-fold refuses a NaN numeric group id", "[model_selection][group]") {
    // NaN compares unequal to everything, so as a std::map key it broke the ordering and its
    // row was merged into a neighbouring group. Row 2 (the 3rd) holds the NaN.
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<double> groups = {1, 2, nan, 3, 1};
    REQUIRE_THROWS_AS(prognos::GroupKFold({2}).split(groups), prognos::bad_value);
    REQUIRE_THROWS_WITH(prognos::GroupKFold({2}).split(groups),
                        ptest::contains("GroupKFold::split: row 2 (the 3rd) has a missing (NaN)"));
    try {
        prognos::GroupKFold({2}).split(groups);
    } catch (const prognos::bad_value& e) {
        CHECK(e.row() == 2);
    }
    // 0 and -0 are one id: 3 groups, so 3 folds work and 4 do not.
    const std::vector<double> signed_zero = {0.0, -0.0, 1.0, 2.0};
    CHECK(prognos::GroupKFold({3}).split(signed_zero).size() == 3);
    REQUIRE_THROWS_WITH(prognos::GroupKFold({4}).split(signed_zero),
                        ptest::contains("more than the 3 groups"));
}
