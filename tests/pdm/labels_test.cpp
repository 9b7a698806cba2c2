// SPDX-License-Identifier: Apache-2.0
// RUL and failure-horizon labels from run-to-failure histories.
#include <prognos/pdm/labels.hpp>

#include <cmath>
#include <limits>

#include "support/catch.hpp"

using prognos::Column;
using prognos::Table;

namespace {

// Asset 1 fails at cycle 4, asset 2 at cycle 3; rows unsorted and interleaved.
Table histories() {
    Table t;
    t.add(Column::numeric("unit", {1, 2, 1, 2, 1, 1, 2}));
    t.add(Column::numeric("cycle", {3, 1, 1, 3, 4, 2, 2}));
    return t;
}

} // namespace

TEST_CASE("RUL counts down to each asset's last cycle with an optional cap", "[pdm][labels]") {
    const prognos::Vector rul = prognos::rul_labels(histories(), "unit", "cycle");
    prognos::Vector expected(7);
    expected << 1, 2, 3, 0, 0, 2, 1;
    REQUIRE(rul == expected);
    const prognos::Vector capped = prognos::rul_labels(histories(), "unit", "cycle", 1.5);
    expected << 1, 1.5, 1.5, 0, 0, 1.5, 1;
    REQUIRE(capped == expected);
}

TEST_CASE("fails within H marks the last H cycles of every asset", "[pdm][labels]") {
    const prognos::IntVector y = prognos::fails_within(histories(), "unit", "cycle", 1);
    prognos::IntVector expected(7);
    expected << 1, 0, 0, 1, 1, 0, 1;
    REQUIRE(y == expected);
}

TEST_CASE("label functions reject a bad cap and missing ids", "[pdm][labels]") {
    REQUIRE_THROWS_WITH(prognos::rul_labels(histories(), "unit", "cycle", -1),
                        ptest::contains("rul_labels: cap must be >= 0, got -1"));
    REQUIRE_THROWS_WITH(prognos::fails_within(histories(), "unit", "cycle", -2),
                        ptest::contains("horizon must be >= 0"));
    REQUIRE_THROWS_WITH(prognos::rul_labels(histories(), "engine", "cycle"),
                        ptest::contains("no column named 'engine'"));
    Table t = histories();
    t.column(std::string_view{"unit"}).numbers()[3] = std::nan("");
    REQUIRE_THROWS_WITH(prognos::rul_labels(t, "unit", "cycle"),
                        ptest::contains("row 3 (the 4th) has no unit"));
}

TEST_CASE("rul_labels refuses a time repeated within one asset as SensorWindows does",
          "[pdm][labels]") {
    // Row 6 of asset 2 moved from cycle 2 to cycle 1, where row 1 already is: two labels for
    // one moment. SensorWindows::transform throws invalid_argument on this table; so must
    // rul_labels (it used to return RULs).
    Table t = histories();
    t.column(std::string_view{"cycle"}).numbers()[6] = 1;
    REQUIRE_THROWS_AS(prognos::rul_labels(t, "unit", "cycle"), prognos::invalid_argument);
    REQUIRE_THROWS_WITH(prognos::rul_labels(t, "unit", "cycle"),
                        ptest::contains("rul_labels: asset 2 has two rows at cycle 1.000000 "
                                        "(row 1 (the 2nd) and row 6 (the 7th))"));
    REQUIRE_THROWS_AS(prognos::fails_within(t, "unit", "cycle", 1), prognos::invalid_argument);
    t.add(Column::numeric("s", {0, 0, 0, 0, 0, 0, 0}));
    REQUIRE_THROWS_AS(prognos::SensorWindows().fit_transform(t), prognos::invalid_argument);
    // The same time in two different assets is fine: cycle 3 is in assets 1 and 2.
    CHECK(prognos::rul_labels(histories(), "unit", "cycle")[0] == 1.0);
}
