// SPDX-License-Identifier: Apache-2.0
#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/take.hpp>

#include <cmath>
#include <limits>

#include "support/catch.hpp"

TEST_CASE("prognos errors are caught as std::exception and as prognos::error", "[core][error]") {
    auto throw_it = [] { throw prognos::invalid_argument("bad max_depth -1"); };
    bool caught_std = false;
    try {
        throw_it();
    } catch (const std::exception& e) {
        caught_std = std::string(e.what()) == "bad max_depth -1";
    }
    REQUIRE(caught_std);
    REQUIRE_THROWS_AS(throw_it(), prognos::error);
    REQUIRE_THROWS_AS(throw_it(), std::invalid_argument);
}

TEST_CASE("check_finite names the first bad value in row order", "[core][error]") {
    prognos::Matrix X(3, 2);
    X << 1, 2, 3, std::numeric_limits<double>::infinity(), std::nan(""), 6;
    try {
        prognos::check_finite(X, "Model::fit");
        FAIL("no exception");
    } catch (const prognos::bad_value& e) {
        REQUIRE(e.row() == 1);
        REQUIRE(e.column() == 1);
        REQUIRE_THAT(e.what(), ptest::contains("row 1 (the 2nd), feature 1 is +infinity"));
    }
}

TEST_CASE("check_n_features words the mismatch as expected and got", "[core][error]") {
    REQUIRE_THROWS_WITH(prognos::check_n_features(4, 3, "predict"),
                        "predict: expected 4 features, got 3");
}

TEST_CASE("take picks rows in the order given and checks the range", "[core][take]") {
    prognos::IntVector y(4);
    y << 10, 11, 12, 13;
    const prognos::IntVector picked = prognos::take(y, {3, 0, 3});
    REQUIRE(picked.size() == 3);
    REQUIRE(picked[0] == 13);
    REQUIRE(picked[1] == 10);
    REQUIRE(picked[2] == 13);
    prognos::Matrix X(3, 2);
    X << 1, 2, 3, 4, 5, 6;
    const prognos::Matrix rows = prognos::take(X, {2, 1});
    REQUIRE(rows(0, 1) == 6);
    REQUIRE(rows(1, 0) == 3);
    const prognos::Vector v = prognos::Vector::Ones(2);
    REQUIRE(prognos::take(v, {1}).size() == 1);
    REQUIRE_THROWS_WITH(prognos::take(y, {4}), "take: row 4 is out of range for 4 rows");
}
