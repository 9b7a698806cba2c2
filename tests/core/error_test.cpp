// SPDX-License-Identifier: Apache-2.0
#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>

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
