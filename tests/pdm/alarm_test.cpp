// SPDX-License-Identifier: Apache-2.0
// Cost-optimal thresholds (worked by hand) and the k-of-n alarm filter with hysteresis.
#include <prognos/pdm/alarm.hpp>

#include <cmath>
#include <limits>
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

TEST_CASE("a NaN score neither raises nor clears the alarm", "[pdm][alarm]") {
    // k = 2 of n = 3, on at 0.7, off below 0.4, clear_k = 0: clearing needs 3 real scores below
    // 0.4 among the last 3. Worked by hand from that rule.
    prognos::AlarmFilter::Params p;
    p.k = 2;
    p.n = 3;
    p.on_threshold = 0.7;
    p.off_threshold = 0.4;
    p.clear_k = 0;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    prognos::AlarmFilter alarm(p);
    CHECK_FALSE(alarm.update(0.9));
    CHECK(alarm.update(0.9)); // two of the last three reach 0.7: on
    // A dropout: three NaN fill the window. This used to clear the alarm (no reading >= 0.4).
    CHECK(alarm.update(nan));
    CHECK(alarm.update(nan));
    CHECK(alarm.update(nan));
    CHECK(alarm.update(nan));
    // Real low scores return: NaN, NaN, 0.1 and NaN, 0.1, 0.1 are 1 and 2 clear votes, not 3.
    CHECK(alarm.update(0.1));
    CHECK(alarm.update(0.1));
    CHECK_FALSE(alarm.update(0.1)); // 0.1, 0.1, 0.1: cleared
    // Nor does NaN raise it: 0.9, NaN, NaN is one raise vote.
    CHECK_FALSE(alarm.update(0.9));
    CHECK_FALSE(alarm.update(nan));
    CHECK_FALSE(alarm.update(nan));
    CHECK_FALSE(alarm.update(0.9)); // NaN, NaN, 0.9
    CHECK(alarm.update(0.8));       // NaN, 0.9, 0.8
    // With clear_k = 1 a low score among NaN still needs n - clear_k = 2 real low votes.
    p.clear_k = 1;
    prognos::AlarmFilter loose(p);
    loose.update(0.9);
    CHECK(loose.update(0.9));
    CHECK(loose.update(nan));
    CHECK(loose.update(0.1));       // 0.9, NaN, 0.1: one clear vote
    CHECK(loose.update(nan));       // NaN, 0.1, NaN: one clear vote
    CHECK_FALSE(loose.update(0.2)); // 0.1, NaN, 0.2: two, at most clear_k = 1 keep: cleared
}
