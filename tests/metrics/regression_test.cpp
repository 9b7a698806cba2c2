// SPDX-License-Identifier: Apache-2.0
#include <prognos/metrics/regression.hpp>

#include <cmath>
#include <limits>

#include "support/catch.hpp"

using prognos::Vector;

namespace {

Vector vec(std::initializer_list<double> values) {
    Vector v(static_cast<prognos::Index>(values.size()));
    prognos::Index i = 0;
    for (double x : values) {
        v[i++] = x;
    }
    return v;
}

} // namespace

TEST_CASE("regression errors on a hand-worked example", "[metrics][regression]") {
    // Errors 1, -2, 0, 3: |e| mean 6/4, e^2 mean 14/4.
    const Vector y = vec({1, 2, 3, 4});
    const Vector p = vec({0, 4, 3, 1});
    REQUIRE(prognos::mean_absolute_error(y, p) == 1.5);
    REQUIRE(prognos::mean_squared_error(y, p) == 3.5);
    REQUIRE(prognos::root_mean_squared_error(y, p) == Approx(std::sqrt(3.5)));
    // SS_tot around the mean 2.5 is 2.25 + 0.25 + 0.25 + 2.25 = 5; SS_res is 14.
    REQUIRE(prognos::r2_score(y, p) == Approx(1.0 - 14.0 / 5.0));
    REQUIRE(prognos::r2_score(y, y) == 1.0);
}

TEST_CASE("r2_score on a constant target is 1 if perfect and 0 otherwise",
          "[metrics][regression]") {
    // 0.1 three times: the mean is not exactly 0.1 in double, so a test on SS_tot == 0 alone
    // would divide by a tiny number here.
    const Vector y = vec({0.1, 0.1, 0.1});
    REQUIRE(prognos::r2_score(y, y) == 1.0);
    REQUIRE(prognos::r2_score(y, vec({0.1, 0.2, 0.1})) == 0.0);
}

TEST_CASE("regression metrics reject bad input", "[metrics][regression]") {
    REQUIRE_THROWS_WITH(prognos::r2_score(vec({1}), vec({1})),
                        ptest::contains("r2_score: R^2 needs at least two samples, got 1"));
    REQUIRE_THROWS_AS(prognos::mean_absolute_error(Vector(), Vector()), prognos::invalid_argument);
    REQUIRE_THROWS_WITH(prognos::mean_squared_error(vec({1, 2}), vec({1})),
                        ptest::contains("y_true has 2 values but y_pred has 1"));
    const double nan = std::numeric_limits<double>::quiet_NaN();
    REQUIRE_THROWS_WITH(prognos::root_mean_squared_error(vec({1, 2, 3}), vec({1, nan, 3})),
                        ptest::contains("y_pred[1] is NaN"));
    REQUIRE_THROWS_AS(prognos::r2_score(vec({1, 2, 3}), vec({1, nan, 3})), prognos::bad_value);
}
