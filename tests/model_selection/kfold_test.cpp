// SPDX-License-Identifier: Apache-2.0
#include <prognos/model_selection/kfold.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "support/catch.hpp"

using prognos::IntVector;
using prognos::KFold;
using prognos::Split;
using prognos::StratifiedKFold;

namespace {

// Each fold partitions the rows; across folds every row is tested exactly once.
void require_folds_partition(const std::vector<Split>& folds, std::size_t n_rows) {
    std::vector<int> tested(n_rows, 0);
    for (const auto& f : folds) {
        REQUIRE(std::is_sorted(f.train.begin(), f.train.end()));
        REQUIRE(std::is_sorted(f.test.begin(), f.test.end()));
        REQUIRE(f.train.size() + f.test.size() == n_rows);
        std::vector<std::size_t> all = f.train;
        all.insert(all.end(), f.test.begin(), f.test.end());
        std::sort(all.begin(), all.end());
        REQUIRE(std::adjacent_find(all.begin(), all.end()) == all.end());
        for (auto i : f.test) {
            ++tested[i];
        }
    }
    REQUIRE(std::all_of(tested.begin(), tested.end(), [](int t) { return t == 1; }));
}

} // namespace

TEST_CASE("KFold without shuffle cuts contiguous folds larger first", "[model_selection][kfold]") {
    // 10 rows in 3 folds: 4, 3, 3 as scikit-learn.
    const auto folds = KFold({3, false, 0}).split(10);
    REQUIRE(folds.size() == 3);
    require_folds_partition(folds, 10);
    REQUIRE(folds[0].test == std::vector<std::size_t>{0, 1, 2, 3});
    REQUIRE(folds[1].test == std::vector<std::size_t>{4, 5, 6});
    REQUIRE(folds[2].test == std::vector<std::size_t>{7, 8, 9});
    // Defaults as scikit-learn: 5 folds, no shuffle.
    REQUIRE(KFold().params().n_splits == 5);
    REQUIRE(KFold().split(10)[1].test == std::vector<std::size_t>{2, 3});
    REQUIRE(StratifiedKFold().params().n_splits == 5);
    REQUIRE_FALSE(StratifiedKFold().params().shuffle);
}

TEST_CASE("KFold with shuffle is seeded", "[model_selection][kfold]") {
    const auto a = KFold({4, true, 11}).split(23);
    const auto b = KFold({4, true, 11}).split(23);
    const auto c = KFold({4, true, 12}).split(23);
    require_folds_partition(a, 23);
    REQUIRE(a[0].test.size() == 6);
    REQUIRE(a[3].test.size() == 5);
    for (std::size_t f = 0; f < 4; ++f) {
        REQUIRE(a[f].test == b[f].test);
    }
    REQUIRE(a[0].test != c[0].test);
}

TEST_CASE("KFold rejects too few splits or rows", "[model_selection][kfold]") {
    REQUIRE_THROWS_WITH(KFold({1, false, 0}),
                        ptest::contains("KFold: n_splits must be >= 2, got 1"));
    REQUIRE_THROWS_WITH(KFold({5, false, 0}).split(4),
                        ptest::contains("n_splits = 5 is more than the 4 rows"));
}

TEST_CASE("StratifiedKFold spreads every class evenly over the folds", "[model_selection][kfold]") {
    std::vector<std::string> y;
    for (int i = 0; i < 47; ++i) {
        y.push_back(i % 5 == 0 ? "fail" : (i % 3 == 0 ? "warn" : "ok"));
    }
    std::map<std::string, int> size;
    for (const auto& label : y) {
        ++size[label];
    }
    for (bool shuffle : {false, true}) {
        const auto folds = StratifiedKFold({4, shuffle, 3}).split(y);
        require_folds_partition(folds, y.size());
        std::size_t smallest = y.size(), largest = 0;
        for (const auto& f : folds) {
            smallest = std::min(smallest, f.test.size());
            largest = std::max(largest, f.test.size());
            std::map<std::string, int> count;
            for (auto i : f.test) {
                ++count[y[i]];
            }
            // Each class gets floor or ceil of its size / 4 in every fold.
            for (const auto& [label, n] : size) {
                CHECK(count[label] >= n / 4);
                CHECK(count[label] <= (n + 3) / 4);
            }
        }
        REQUIRE(largest - smallest <= 1);
    }
    const auto a = StratifiedKFold({4, true, 3}).split(y);
    const auto b = StratifiedKFold({4, true, 4}).split(y);
    REQUIRE(a[0].test != b[0].test);
}

TEST_CASE("StratifiedKFold refuses a class smaller than n_splits", "[model_selection][kfold]") {
    IntVector y = IntVector::Zero(20);
    y[3] = 1;
    y[8] = 1;
    REQUIRE_THROWS_WITH(StratifiedKFold({3, false, 0}).split(y),
                        ptest::contains("class 1 has 2 members but n_splits = 3 needs at least 3"));
    REQUIRE_THROWS_WITH(StratifiedKFold({3, false, 0}).split(std::vector<std::string>{"a", "a"}),
                        ptest::contains("class 'a' has 2 members"));
    REQUIRE(StratifiedKFold({2, false, 0}).split(y).size() == 2);
}
