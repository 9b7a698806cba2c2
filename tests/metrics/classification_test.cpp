// SPDX-License-Identifier: Apache-2.0
#include <prognos/metrics/classification.hpp>
#include <prognos/metrics/ranking.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "support/catch.hpp"

using prognos::IntVector;

namespace {

IntVector ints(std::initializer_list<int> values) {
    IntVector v(static_cast<prognos::Index>(values.size()));
    prognos::Index i = 0;
    for (int x : values) {
        v[i++] = x;
    }
    return v;
}

} // namespace

// Hand-worked three-class example used by several tests below:
//   y_true 0 0 1 1 2 2
//   y_pred 0 1 1 1 2 0
// class 0: TP 1, predicted 2, actual 2 -> P 1/2, R 1/2, F1 1/2
// class 1: TP 2, predicted 3, actual 2 -> P 2/3, R 1,   F1 2*(2/3)/(5/3) = 4/5
// class 2: TP 1, predicted 1, actual 2 -> P 1,   R 1/2, F1 2*(1/2)/(3/2) = 2/3
TEST_CASE("accuracy counts exact matches", "[metrics][classification]") {
    REQUIRE(prognos::accuracy(ints({0, 0, 1, 1, 2, 2}), ints({0, 1, 1, 1, 2, 0})) ==
            Approx(4.0 / 6.0));
    REQUIRE(prognos::accuracy(ints({3}), ints({3})) == 1.0);
}

TEST_CASE("metrics reject empty and mismatched inputs", "[metrics][classification]") {
    REQUIRE_THROWS_WITH(prognos::accuracy(IntVector(), IntVector()),
                        ptest::contains("accuracy: y_true is empty"));
    REQUIRE_THROWS_WITH(prognos::accuracy(ints({1, 2}), ints({1})),
                        ptest::contains("y_true has 2 values but y_pred has 1"));
    REQUIRE_THROWS_AS(prognos::confusion_matrix(ints({1, 2}), ints({1})),
                      prognos::invalid_argument);
    REQUIRE_THROWS_AS(prognos::classification_report(IntVector(), IntVector()),
                      prognos::invalid_argument);
    REQUIRE_THROWS_AS(prognos::f1(ints({1, 2}), ints({1, 2, 2})), prognos::invalid_argument);
}

TEST_CASE("confusion_matrix puts true labels on rows and predictions on columns",
          "[metrics][classification]") {
    const auto cm = prognos::confusion_matrix(ints({0, 0, 1, 1, 2, 2}), ints({0, 1, 1, 1, 2, 0}));
    REQUIRE(cm.rows() == 3);
    REQUIRE(cm.cols() == 3);
    prognos::ConfusionMatrix expected(3, 3);
    expected << 1, 1, 0, //
        0, 2, 0,         //
        1, 0, 1;
    REQUIRE(cm == expected);
}

TEST_CASE("confusion_matrix uses the sorted union of labels unless labels are given",
          "[metrics][classification]") {
    // Label 7 only predicted, label -1 only true: both get a row and a column.
    const auto cm = prognos::confusion_matrix(ints({-1, 4, 4}), ints({4, 4, 7}));
    prognos::ConfusionMatrix expected(3, 3); // labels -1, 4, 7
    expected << 0, 1, 0,                     //
        0, 1, 1,                             //
        0, 0, 0;
    REQUIRE(cm == expected);

    // Given labels fix the order; samples with an unlisted label are left out.
    const auto sub = prognos::confusion_matrix(ints({-1, 4, 4}), ints({4, 4, 7}), {4, -1});
    prognos::ConfusionMatrix expected_sub(2, 2);
    expected_sub << 1, 0, //
        1, 0;
    REQUIRE(sub == expected_sub);

    REQUIRE_THROWS_WITH(prognos::confusion_matrix(ints({1}), ints({1}), {1, 1}),
                        ptest::contains("label 1 is listed twice"));
    REQUIRE_THROWS_WITH(prognos::confusion_matrix(ints({1}), ints({1}), {}),
                        ptest::contains("labels is empty"));
}

TEST_CASE("classification_report gives per-class scores and averages",
          "[metrics][classification]") {
    const auto r =
        prognos::classification_report(ints({0, 0, 1, 1, 2, 2}), ints({0, 1, 1, 1, 2, 0}));
    REQUIRE(r.classes.size() == 3);
    const double p[] = {0.5, 2.0 / 3.0, 1.0};
    const double rc[] = {0.5, 1.0, 0.5};
    const double f[] = {0.5, 0.8, 2.0 / 3.0};
    for (std::size_t k = 0; k < 3; ++k) {
        CHECK(r.classes[k].label == static_cast<int>(k));
        CHECK(r.classes[k].precision == Approx(p[k]));
        CHECK(r.classes[k].recall == Approx(rc[k]));
        CHECK(r.classes[k].f1 == Approx(f[k]));
        CHECK(r.classes[k].support == 2);
    }
    // Equal supports: macro and weighted averages coincide.
    CHECK(r.macro_avg.precision == Approx(13.0 / 18.0));
    CHECK(r.macro_avg.recall == Approx(2.0 / 3.0));
    CHECK(r.macro_avg.f1 == Approx((0.5 + 0.8 + 2.0 / 3.0) / 3.0));
    CHECK(r.weighted_avg.precision == Approx(13.0 / 18.0));
    CHECK(r.macro_avg.support == 6);
    CHECK(r.weighted_avg.support == 6);
    CHECK(r.accuracy == Approx(4.0 / 6.0));
}

TEST_CASE("weighted averages weight each class by its support", "[metrics][classification]") {
    // y_true 1 1 1 0, y_pred 1 1 0 0.
    // class 0: P 1/2 R 1 F1 2/3 (support 1); class 1: P 1 R 2/3 F1 4/5 (support 3).
    const auto r = prognos::classification_report(ints({1, 1, 1, 0}), ints({1, 1, 0, 0}));
    CHECK(r.weighted_avg.precision == Approx((0.5 * 1 + 1.0 * 3) / 4));
    CHECK(r.weighted_avg.recall == Approx((1.0 * 1 + 2.0 / 3.0 * 3) / 4));
    CHECK(r.weighted_avg.f1 == Approx((2.0 / 3.0 * 1 + 0.8 * 3) / 4));
    CHECK(r.macro_avg.recall == Approx((1.0 + 2.0 / 3.0) / 2));
}

TEST_CASE("zero_division decides undefined precision and recall", "[metrics][classification]") {
    // Class 1 occurs once and is never predicted: its precision is 0/0, its recall 0/1.
    const IntVector y_true = ints({0, 0, 1});
    const IntVector y_pred = ints({0, 0, 0});
    REQUIRE(prognos::precision(y_true, y_pred, 1) == 0.0);
    REQUIRE(prognos::precision(y_true, y_pred, 1, 1.0) == 1.0);
    REQUIRE(std::isnan(
        prognos::precision(y_true, y_pred, 1, std::numeric_limits<double>::quiet_NaN())));
    REQUIRE(prognos::recall(y_true, y_pred, 1, 1.0) == 0.0);
    // P resolved to 1 and R = 0 give F1 = 2*1*0/1 = 0 (scikit-learn 1.2 does the same).
    REQUIRE(prognos::f1(y_true, y_pred, 1, 1.0) == 0.0);
    // Class 0: P 2/3, R 1, F1 0.8.
    REQUIRE(prognos::precision(y_true, y_pred, 0) == Approx(2.0 / 3.0));
    REQUIRE(prognos::recall(y_true, y_pred, 0) == 1.0);
    REQUIRE(prognos::f1(y_true, y_pred, 0) == Approx(0.8));

    // A listed label that occurs nowhere has P = R = zero_division, and F1 follows.
    const auto r = prognos::classification_report(y_true, y_pred, {0, 1, 5}, 1.0);
    CHECK(r.classes[2].precision == 1.0);
    CHECK(r.classes[2].recall == 1.0);
    CHECK(r.classes[2].f1 == 1.0);
    CHECK(r.classes[2].support == 0);

    REQUIRE_THROWS_WITH(prognos::precision(y_true, y_pred, 1, 0.5),
                        ptest::contains("zero_division must be 0, 1 or NaN"));
}

TEST_CASE("one-class scores reject a positive label that occurs nowhere",
          "[metrics][classification]") {
    REQUIRE_THROWS_WITH(prognos::recall(ints({0, 2, 2}), ints({0, 0, 2})),
                        ptest::contains("positive_label 1 occurs in neither y_true nor y_pred "
                                        "(labels present: 0, 2)"));
    // Present only in y_pred is legitimate: recall undefined, precision 0.
    REQUIRE(prognos::precision(ints({0, 0}), ints({1, 0})) == 0.0);
}

TEST_CASE("scikit-learn names give the same results", "[metrics]") {
    prognos::IntVector t(6), p(6);
    t << 0, 0, 1, 1, 1, 0;
    p << 0, 1, 1, 0, 1, 0;
    prognos::Vector s(6);
    s << 0.1, 0.7, 0.8, 0.3, 0.9, 0.2;
    REQUIRE(prognos::accuracy_score(t, p) == prognos::accuracy(t, p));
    REQUIRE(prognos::precision_score(t, p) == prognos::precision(t, p));
    REQUIRE(prognos::recall_score(t, p) == prognos::recall(t, p));
    REQUIRE(prognos::f1_score(t, p) == prognos::f1(t, p));
    REQUIRE(prognos::roc_auc_score(t, s) == prognos::roc_auc(t, s));
    REQUIRE(prognos::average_precision_score(t, s) == prognos::average_precision(t, s));
    // Worked by hand: 4 of 6 right; of the 3 predicted 1, 2 are; of the 3 true 1, 2 found.
    REQUIRE(prognos::accuracy_score(t, p) == Approx(4.0 / 6.0));
    REQUIRE(prognos::f1_score(t, p) == Approx(2.0 / 3.0));
}
