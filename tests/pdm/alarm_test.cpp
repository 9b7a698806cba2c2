// SPDX-License-Identifier: Apache-2.0
// Cost-optimal thresholds (worked by hand) and the k-of-n alarm filter with hysteresis.
#include <prognos/pdm/alarm.hpp>

#include <cmath>
#include <vector>

#include "support/catch.hpp"

TEST_CASE("the cost-optimal threshold is the one worked out by hand", "[pdm][alarm]") {
    // Scores sorted: 0.9 (fail), 0.8 (ok), 0.6 (fail), 0.3 (ok), 0.1 (ok).
    prognos::IntVector y(5);
    y << 1, 0, 1, 0, 0;
    prognos::Vector s(5);
    s << 0.9, 0.8, 0.6, 0.3, 0.1;
    // Costs missed = 10, false alarm = 1. Alarm at >= 0.9: 1 miss, cost 10; >= 0.8: 1 miss +
    // 1 FA = 11; >= 0.6: 0 misses + 1 FA = 1 (best); >= 0.3: 2; >= 0.1: 3; never: 20.
    auto t = prognos::cost_optimal_threshold(y, s, 10, 1);
    CHECK(t.threshold == Approx(0.45)); // midway between 0.6 and the next lower score 0.3
    CHECK(t.missed == 0);
    CHECK(t.false_alarms == 1);
    CHECK(t.expected_cost == Approx(1.0 / 5));
    // Missed failures cheap (1) against false alarms (10): never alarming costs 2, alarming
    // at >= 0.9 costs 1, the least.
    t = prognos::cost_optimal_threshold(y, s, 1, 10);
    CHECK(t.threshold == Approx(0.85));
    CHECK(t.missed == 1);
    CHECK(t.false_alarms == 0);
    // The top score is a healthy row and misses are cheap: never alarming (cost 1) beats
    // any threshold, all of which raise at least one false alarm (cost 10 or more).
    prognos::IntVector y2(2);
    y2 << 0, 1;
    prognos::Vector s2(2);
    s2 << 0.9, 0.1;
    t = prognos::cost_optimal_threshold(y2, s2, 1, 10);
    CHECK(std::isinf(t.threshold));
    CHECK(t.missed == 1);
    CHECK(t.false_alarms == 0);
}

TEST_CASE("cost_optimal_threshold rejects bad input", "[pdm][alarm]") {
    prognos::IntVector y(2);
    y << 0, 2;
    prognos::Vector s(2);
    s << 0.1, 0.2;
    REQUIRE_THROWS_WITH(prognos::cost_optimal_threshold(y, s, 1, 1),
                        ptest::contains("y_true[1] is 2; labels must be 0 or 1"));
    y << 0, 1;
    REQUIRE_THROWS_WITH(prognos::cost_optimal_threshold(y, s, 0, 1),
                        ptest::contains("costs must be positive and finite"));
}

TEST_CASE("the alarm needs k of the last n readings and clears with hysteresis", "[pdm][alarm]") {
    prognos::AlarmFilter::Params p;
    p.k = 2;
    p.n = 3;
    p.on_threshold = 0.7;
    p.off_threshold = 0.4;
    p.clear_k = 0;
    prognos::AlarmFilter alarm(p);
    // One spike alone does not raise it; two high readings among the last three do.
    const std::vector<double> scores{0.9, 0.1, 0.1, 0.8, 0.2, 0.75, 0.5, 0.5, 0.3, 0.2, 0.1};
    const std::vector<bool> expected{false,
                                     false,
                                     false,
                                     false,
                                     false,
                                     true,
                                     // stays on while any of the last 3 is >= 0.4
                                     true,
                                     true,
                                     true,
                                     true,
                                     // 0.3, 0.2, 0.1: no reading keeps it
                                     false};
    for (std::size_t i = 0; i < scores.size(); ++i) {
        INFO("reading " << i);
        CHECK(alarm.update(scores[i]) == expected[i]);
    }
    alarm.reset();
    CHECK_FALSE(alarm.active());
    p.k = 4;
    REQUIRE_THROWS_WITH(prognos::AlarmFilter(p), ptest::contains("need 1 <= k <= n"));
    p.k = 2;
    p.off_threshold = 0.9;
    REQUIRE_THROWS_WITH(prognos::AlarmFilter(p),
                        ptest::contains("off_threshold must be <= on_threshold"));
}
