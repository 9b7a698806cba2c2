// SPDX-License-Identifier: Apache-2.0
// The PHM'08 score (hand-worked) and Clopper-Pearson intervals against published values.
#include <prognos/metrics/intervals.hpp>
#include <prognos/metrics/rul.hpp>

#include <cmath>

#include "support/catch.hpp"

TEST_CASE("the PHM08 score punishes late predictions more than early ones", "[metrics][rul]") {
    prognos::Vector truth(3), pred(3);
    truth << 50, 50, 50;
    pred << 60, 37, 50; // late by 10: e - 1; early by 13: e - 1; exact: 0
    CHECK(prognos::phm08_score(truth, pred) == Approx(2 * (std::exp(1.0) - 1)));
    prognos::Vector one(1), late(1), early(1);
    one << 100;
    late << 120;
    early << 80;
    CHECK(prognos::phm08_score(one, late) == Approx(std::exp(2.0) - 1));
    CHECK(prognos::phm08_score(one, early) == Approx(std::exp(20.0 / 13) - 1));
    CHECK(prognos::phm08_score(one, late) > prognos::phm08_score(one, early));
    REQUIRE_THROWS_WITH(prognos::phm08_score(truth, one),
                        ptest::contains("phm08_score: y_true has 3 values but rul_pred has 1"));
}

TEST_CASE("Clopper-Pearson intervals match published values", "[metrics][intervals]") {
    // R documentation of binom.test (stats package), the Mendel example from Conover (1971),
    // p. 97f: binom.test(c(682, 243), p = 3/4) prints the 95 percent confidence interval
    // 0.7076683 0.7654066.
    auto ci = prognos::clopper_pearson(682, 925);
    CHECK(ci.lower == Approx(0.7076683).margin(5e-8));
    CHECK(ci.upper == Approx(0.7654066).margin(5e-8));
    CHECK(ci.estimate == Approx(682.0 / 925));
    // Closed form for no successes: upper = 1 - (alpha/2)^(1/n) (Clopper & Pearson 1934);
    // for 0 of 20 at 95% that is 1 - 0.025^(1/20) = 0.16843347.
    ci = prognos::clopper_pearson(0, 20);
    CHECK(ci.lower == 0.0);
    CHECK(ci.upper == Approx(1 - std::pow(0.025, 1.0 / 20)).epsilon(1e-12));
    // All successes mirror it.
    ci = prognos::clopper_pearson(20, 20);
    CHECK(ci.upper == 1.0);
    CHECK(ci.lower == Approx(std::pow(0.025, 1.0 / 20)).epsilon(1e-12));
    // Nothing observed: nothing known.
    ci = prognos::clopper_pearson(0, 0);
    CHECK(std::isnan(ci.estimate));
    CHECK(ci.lower == 0.0);
    CHECK(ci.upper == 1.0);
    REQUIRE_THROWS_WITH(prognos::clopper_pearson(3, 2), ptest::contains("need 0 <= k <= n"));
    REQUIRE_THROWS_WITH(prognos::clopper_pearson(1, 2, 1.0),
                        ptest::contains("confidence must lie in (0, 1)"));
}

TEST_CASE("recall precision and accuracy intervals use the right counts", "[metrics][intervals]") {
    // 20 failures, 18 caught, 2 false alarms among 80 healthy rows.
    prognos::IntVector y(100), p(100);
    y.setZero();
    p.setZero();
    y.head(20).setOnes();
    p.head(18).setOnes();
    p.segment(20, 2).setOnes();
    const auto rec = prognos::recall_interval(y, p);
    CHECK(rec.successes == 18);
    CHECK(rec.trials == 20);
    CHECK(rec.lower == Approx(prognos::clopper_pearson(18, 20).lower));
    // 18 of 20 at 95%: 0.6830 to 0.9877 (scipy.stats.beta.ppf(0.025, 18, 3) and
    // beta.ppf(0.975, 19, 2)): how little 20 failures prove.
    CHECK(rec.lower == Approx(0.68301).margin(1e-5));
    CHECK(rec.upper == Approx(0.98765).margin(1e-5));
    const auto prec = prognos::precision_interval(y, p);
    CHECK(prec.successes == 18);
    CHECK(prec.trials == 20);
    const auto acc = prognos::accuracy_interval(y, p);
    CHECK(acc.successes == 96);
    CHECK(acc.trials == 100);
}

TEST_CASE("recall and precision intervals without class 1 are the n = 0 interval",
          "[metrics][intervals]") {
    // A quiet period: no failure and no alarm. Recall is TP / actual positives = 0 / 0 and
    // precision TP / predicted positives = 0 / 0, so both are clopper_pearson(0, 0): estimate
    // NaN, interval [0, 1] (nothing is known). This used to throw.
    prognos::IntVector y(4), p(4);
    y.setZero();
    p.setZero();
    for (const auto& r : {prognos::recall_interval(y, p), prognos::precision_interval(y, p)}) {
        CHECK(std::isnan(r.estimate));
        CHECK(r.lower == 0.0);
        CHECK(r.upper == 1.0);
        CHECK(r.successes == 0);
        CHECK(r.trials == 0);
    }
    // Alarms but no failure: recall is still 0 / 0; precision is 0 of 2 alarms.
    p << 1, 1, 0, 0;
    CHECK(std::isnan(prognos::recall_interval(y, p).estimate));
    CHECK(prognos::precision_interval(y, p).trials == 2);
    CHECK(prognos::precision_interval(y, p).estimate == 0.0);
    // The inputs are still checked.
    REQUIRE_THROWS_AS(prognos::recall_interval(y, prognos::IntVector(3)),
                      prognos::invalid_argument);
    REQUIRE_THROWS_AS(prognos::precision_interval(y, p, 1, 1.5), prognos::invalid_argument);
}
