// SPDX-License-Identifier: Apache-2.0
#include <prognos/metrics/ranking.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "support/catch.hpp"

using prognos::IntVector;
using prognos::Vector;

namespace {

IntVector ints(std::initializer_list<int> values) {
    IntVector v(static_cast<prognos::Index>(values.size()));
    prognos::Index i = 0;
    for (int x : values) {
        v[i++] = x;
    }
    return v;
}

Vector vec(std::initializer_list<double> values) {
    Vector v(static_cast<prognos::Index>(values.size()));
    prognos::Index i = 0;
    for (double x : values) {
        v[i++] = x;
    }
    return v;
}

// Reads the two-column y_true,y_score files of case 008. The project CSV reader is written in
// parallel; these files need nothing beyond splitting on the one comma.
std::pair<IntVector, Vector> read_case_008(const std::string& name) {
    std::ifstream in(std::string(PROGNOS_TEST_DATA_DIR) + "/cases/008-rocauc-single-class/" + name);
    REQUIRE(in.good());
    std::string line;
    std::getline(in, line);
    REQUIRE(line == "y_true,y_score");
    std::vector<int> y;
    std::vector<double> s;
    while (std::getline(in, line)) {
        if (line.empty()) {
            continue;
        }
        const auto comma = line.find(',');
        y.push_back(std::stoi(line.substr(0, comma)));
        s.push_back(std::stod(line.substr(comma + 1)));
    }
    IntVector yv(static_cast<prognos::Index>(y.size()));
    Vector sv(static_cast<prognos::Index>(s.size()));
    for (std::size_t i = 0; i < y.size(); ++i) {
        yv[static_cast<prognos::Index>(i)] = y[i];
        sv[static_cast<prognos::Index>(i)] = s[i];
    }
    return {yv, sv};
}

template <class Labels, class = void>
struct roc_auc_callable_without_label : std::false_type {};

template <class Labels>
struct roc_auc_callable_without_label<
    Labels,
    std::void_t<decltype(prognos::roc_auc(std::declval<const Labels&>(),
                                          std::declval<const Vector&>()))>> : std::true_type {};

template <class Labels, class = void>
struct roc_auc_callable_with_int : std::false_type {};

// roc_auc(strings, score, 0) must not compile: 0 would convert to a null std::string.
template <class Labels>
struct roc_auc_callable_with_int<
    Labels,
    std::void_t<decltype(prognos::roc_auc(
        std::declval<const Labels&>(), std::declval<const Vector&>(), 0))>> : std::true_type {};

template <class Labels, class = void>
struct ap_callable_without_label : std::false_type {};

template <class Labels>
struct ap_callable_without_label<
    Labels,
    std::void_t<decltype(prognos::average_precision(
        std::declval<const Labels&>(), std::declval<const Vector&>()))>> : std::true_type {};

} // namespace

TEST_CASE("case 008 two-class control gives ROC AUC 0.75 exactly", "[metrics][ranking][case008]") {
    const auto [y, score] = read_case_008("input_two_class.csv");
    // Pairs (pos, neg): 0.35 > 0.10, 0.35 < 0.40, 0.80 > 0.10, 0.80 > 0.40 -> 3 of 4.
    REQUIRE(prognos::roc_auc(y, score) == 0.75);
    // The trapezoidal area under the curve gives the same.
    const auto c = prognos::roc_curve(y, score);
    double area = 0;
    for (prognos::Index k = 1; k < c.fpr.size(); ++k) {
        area += (c.fpr[k] - c.fpr[k - 1]) * (c.tpr[k] + c.tpr[k - 1]) / 2;
    }
    REQUIRE(area == Approx(0.75));
}

TEST_CASE("case 008 tied scores count one half", "[metrics][ranking][case008]") {
    REQUIRE(prognos::roc_auc(ints({0, 1}), vec({0.5, 0.5})) == 0.5);
    // One pair won, one tied, one lost, one won: (1 + 0.5 + 0 + 1) / 4.
    REQUIRE(prognos::roc_auc(ints({0, 0, 1, 1}), vec({0.2, 0.5, 0.5, 0.9})) == 0.875);
}

TEST_CASE("case 008 a fold holding one class has no ROC AUC", "[metrics][ranking][case008]") {
    const auto [y, score] = read_case_008("input.csv");
    REQUIRE(y.size() == 10);
    REQUIRE_THROWS_AS(prognos::roc_auc(y, score), prognos::invalid_argument);
    REQUIRE_THROWS_WITH(prognos::roc_auc(y, score),
                        ptest::contains("roc_auc: y_true holds only one class (0)"));
    // Whatever the positive label, and for the curve as well: never a number.
    REQUIRE_THROWS_WITH(prognos::roc_auc(y, score, 0), ptest::contains("only one class (0)"));
    REQUIRE_THROWS_WITH(prognos::roc_curve(y, score), ptest::contains("only one class (0)"));
    REQUIRE_THROWS_WITH(prognos::roc_auc(ints({1, 1}), vec({0.1, 0.2})),
                        ptest::contains("only one class (1)"));
    // Average precision has no positive to find either.
    REQUIRE_THROWS_WITH(prognos::average_precision(y, score),
                        ptest::contains("positive_label 1 does not occur in y_true (classes "
                                        "present: 0)"));
}

TEST_CASE("case 008 string labels need an explicit positive label", "[metrics][ranking][case008]") {
    const std::vector<std::string> y = {"ok", "ok", "fail", "fail"};
    const Vector score = vec({0.10, 0.40, 0.35, 0.80});
    REQUIRE(prognos::roc_auc(y, score, "fail") == 0.75);
    REQUIRE(prognos::roc_auc(y, score, "ok") == 0.25);
    // Calling without a positive label does not compile: the overload is deleted.
    STATIC_REQUIRE_FALSE(roc_auc_callable_without_label<std::vector<std::string>>::value);
    STATIC_REQUIRE_FALSE(ap_callable_without_label<std::vector<std::string>>::value);
    STATIC_REQUIRE(roc_auc_callable_without_label<IntVector>::value);
    STATIC_REQUIRE_FALSE(roc_auc_callable_with_int<std::vector<std::string>>::value);
    STATIC_REQUIRE(roc_auc_callable_with_int<IntVector>::value);
    // A positive label that is not among the labels is an error naming both.
    REQUIRE_THROWS_WITH(prognos::roc_auc(y, score, "failure"),
                        ptest::contains("positive_label 'failure' does not occur in y_true "
                                        "(classes present: 'fail', 'ok')"));
    REQUIRE_THROWS_WITH(prognos::roc_auc(std::vector<std::string>(3, "ok"), vec({1, 2, 3}), "ok"),
                        ptest::contains("only one class ('ok')"));
    // AP with fail positive: ranks fail(0.80) first (P 1), then ok 0.40, then fail 0.35
    // (P 2/3): AP = 1/2 * 1 + 1/2 * 2/3.
    REQUIRE(prognos::average_precision(y, score, "fail") == Approx(0.5 + 1.0 / 3.0));
}

TEST_CASE("ranking metrics reject NaN scores naming the index", "[metrics][ranking]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const Vector score = vec({0.1, 0.2, nan, 0.4});
    REQUIRE_THROWS_AS(prognos::roc_auc(ints({0, 1, 0, 1}), score), prognos::bad_value);
    REQUIRE_THROWS_WITH(prognos::roc_auc(ints({0, 1, 0, 1}), score),
                        ptest::contains("roc_auc: y_score[2] is NaN"));
    REQUIRE_THROWS_WITH(prognos::average_precision(ints({0, 1, 0, 1}), score),
                        ptest::contains("y_score[2] is NaN"));
    try {
        prognos::roc_auc(ints({0, 1, 0, 1}), score);
    } catch (const prognos::bad_value& e) {
        REQUIRE(e.row() == 2);
    }
    REQUIRE_THROWS_WITH(
        prognos::roc_auc(ints({0, 1}), vec({0.1, std::numeric_limits<double>::infinity()})),
        ptest::contains("y_score[1] is +infinity"));
}

TEST_CASE("ranking metrics are binary", "[metrics][ranking]") {
    REQUIRE_THROWS_WITH(prognos::roc_auc(ints({0, 1, 2}), vec({0.1, 0.2, 0.3})),
                        ptest::contains("y_true holds 3 classes (0, 1, 2); this metric is binary"));
    REQUIRE_THROWS_WITH(prognos::roc_auc(ints({0, 2}), vec({0.1, 0.2})),
                        ptest::contains("positive_label 1 does not occur in y_true (classes "
                                        "present: 0, 2)"));
    REQUIRE(prognos::roc_auc(ints({0, 2}), vec({0.1, 0.2}), 2) == 1.0);
    REQUIRE_THROWS_AS(prognos::roc_auc(IntVector(), Vector()), prognos::invalid_argument);
    REQUIRE_THROWS_WITH(prognos::roc_auc(ints({0, 1}), vec({0.1})),
                        ptest::contains("y_true has 2 values but y_score has 1"));
}

TEST_CASE("average precision is the step-wise area without interpolation", "[metrics][ranking]") {
    // Ranked by score: pos (P 1/1), neg, pos (P 2/3), neg, pos (P 3/5):
    // AP = (1 + 2/3 + 3/5) / 3, the mean of the precisions at each positive.
    const IntVector y = ints({1, 0, 1, 0, 1});
    const Vector s = vec({0.9, 0.8, 0.7, 0.6, 0.5});
    REQUIRE(prognos::average_precision(y, s) == Approx((1.0 + 2.0 / 3.0 + 0.6) / 3.0));
    // Only positives: precision is 1 at every threshold, a well-defined AP of 1.
    REQUIRE(prognos::average_precision(ints({1, 1}), vec({0.3, 0.1})) == 1.0);
    // A tie between a positive and a negative is one threshold with precision 1/2.
    REQUIRE(prognos::average_precision(ints({0, 1}), vec({0.5, 0.5})) == 0.5);
}

TEST_CASE("precision_recall_curve matches the scikit-learn documentation example",
          "[metrics][ranking]") {
    // sklearn.metrics.precision_recall_curve docstring, scikit-learn 1.2.
    const auto c = prognos::precision_recall_curve(ints({0, 0, 1, 1}), vec({0.1, 0.4, 0.35, 0.8}));
    REQUIRE(c.precision.size() == 5);
    REQUIRE(c.thresholds.size() == 4);
    const double p[] = {0.5, 2.0 / 3.0, 0.5, 1.0, 1.0};
    const double r[] = {1.0, 1.0, 0.5, 0.5, 0.0};
    const double t[] = {0.1, 0.35, 0.4, 0.8};
    for (int k = 0; k < 5; ++k) {
        CHECK(c.precision[k] == Approx(p[k]));
        CHECK(c.recall[k] == r[k]);
    }
    for (int k = 0; k < 4; ++k) {
        CHECK(c.thresholds[k] == t[k]);
    }
}

TEST_CASE("roc_curve starts at infinity and keeps every threshold", "[metrics][ranking]") {
    const auto c = prognos::roc_curve(ints({0, 0, 1, 1}), vec({0.1, 0.4, 0.35, 0.8}));
    REQUIRE(c.thresholds.size() == 5);
    REQUIRE(std::isinf(c.thresholds[0]));
    const double fpr[] = {0, 0, 0.5, 0.5, 1};
    const double tpr[] = {0, 0.5, 0.5, 1, 1};
    const double t[] = {0.8, 0.4, 0.35, 0.1};
    for (int k = 0; k < 5; ++k) {
        CHECK(c.fpr[k] == fpr[k]);
        CHECK(c.tpr[k] == tpr[k]);
    }
    for (int k = 0; k < 4; ++k) {
        CHECK(c.thresholds[k + 1] == t[k]);
    }
}
