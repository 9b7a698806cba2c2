// SPDX-License-Identifier: Apache-2.0
// Missing values, weights, min_impurity_decrease and the random splitter of the decision trees.
// Every expected value is worked by hand in the comment beside it.

#include <prognos/io/artifact.hpp>
#include <prognos/tree.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "support/catch.hpp"
#include "tree/tree_test_support.hpp"

using prognos::ClassWeight;
using prognos::DecisionTreeClassifier;
using prognos::DecisionTreeRegressor;
using prognos::IntVector;
using prognos::Matrix;
using prognos::Vector;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

Matrix col(const std::vector<double>& v) {
    Matrix X(static_cast<prognos::Index>(v.size()), 1);
    for (std::size_t i = 0; i < v.size(); ++i) {
        X(static_cast<prognos::Index>(i), 0) = v[i];
    }
    return X;
}

IntVector ints(const std::vector<int>& v) {
    IntVector y(static_cast<prognos::Index>(v.size()));
    for (std::size_t i = 0; i < v.size(); ++i) {
        y[static_cast<prognos::Index>(i)] = v[i];
    }
    return y;
}

} // namespace

TEST_CASE("A value missing only at predict time follows the heavier child", "[tree][missing]") {
    // x = 1..5, y = 0 0 1 1 1: the stump cuts at 2.5 with 2 rows left and 3 right, so a NaN
    // that training never saw goes right and predicts 1.
    DecisionTreeClassifier tree;
    tree.fit(col({1, 2, 3, 4, 5}), ints({0, 0, 1, 1, 1}));
    REQUIRE(tree.tree().threshold[0] == 2.5);
    REQUIRE(tree.tree().missing_left[0] == 0);
    REQUIRE(tree.predict_row(&kNaN) == 1);
    REQUIRE(tree.predict(col({kNaN, 1.0}))(0) == 1);
    REQUIRE(tree.predict(col({kNaN, 1.0}))(1) == 0);

    // Mirrored: 3 rows left, 2 right, so NaN goes left.
    tree.fit(col({1, 2, 3, 4, 5}), ints({0, 0, 0, 1, 1}));
    REQUIRE(tree.tree().missing_left[0] == 1);
    REQUIRE(tree.predict_row(&kNaN) == 0);
}

TEST_CASE("Training learns the side missing rows go to", "[tree][missing]") {
    // Present: 1 2 -> class 0, 3 4 -> class 1. Missing rows have class 0: the cut at 2.5 with
    // missing left is pure on both sides (gini 0), better than missing right.
    DecisionTreeClassifier tree;
    tree.fit(col({1, 2, 3, 4, kNaN, kNaN}), ints({0, 0, 1, 1, 0, 0}));
    REQUIRE(tree.node_count() == 3);
    REQUIRE(tree.tree().threshold[0] == 2.5);
    REQUIRE(tree.tree().missing_left[0] == 1);
    REQUIRE(tree.predict_row(&kNaN) == 0);

    // The same with missing rows of class 1: missing goes right.
    tree.fit(col({1, 2, 3, 4, kNaN, kNaN}), ints({0, 0, 1, 1, 1, 1}));
    REQUIRE(tree.node_count() == 3);
    REQUIRE(tree.tree().missing_left[0] == 0);
    REQUIRE(tree.predict_row(&kNaN) == 1);
}

TEST_CASE("Being missing alone can split a node", "[tree][missing]") {
    // Every present value is 7 (class 0) and every missing row is class 1: the only cut is
    // "present left, missing right", whose threshold lets every finite value go left.
    DecisionTreeClassifier tree;
    tree.fit(col({7, 7, 7, kNaN, kNaN}), ints({0, 0, 0, 1, 1}));
    REQUIRE(tree.node_count() == 3);
    REQUIRE(tree.tree().missing_left[0] == 0);
    REQUIRE(tree.tree().threshold[0] == std::numeric_limits<double>::max());
    const double big = 1e300;
    REQUIRE(tree.predict_row(&big) == 0);
    REQUIRE(tree.predict_row(&kNaN) == 1);

    // Regression: the same cut, leaves predict the means 2 and 10.
    DecisionTreeRegressor reg;
    Vector y(5);
    y << 2, 2, 2, 10, 10;
    reg.fit(col({7, 7, 7, kNaN, kNaN}), y);
    REQUIRE(reg.predict_row(&kNaN) == 10.0);
    REQUIRE(reg.predict_row(&big) == 2.0);
}

TEST_CASE("A column missing in most rows still helps and never breaks predict", "[tree][missing]") {
    // 200 rows, feature 0 missing in 80% of them. Where present it equals the label; where
    // missing the label follows feature 1 (> 0.5). A tree can separate all of it: training
    // accuracy is exactly 1, and predicting rows with feature 0 missing uses feature 1.
    prognos::Random rng(7);
    const int n = 200;
    Matrix X(n, 2);
    IntVector y(n);
    for (int i = 0; i < n; ++i) {
        const double f1 = rng.uniform01();
        const bool present = i % 5 == 0;
        const int label = present ? static_cast<int>(rng.uniform_index(2)) : f1 > 0.5;
        X(i, 0) = present ? label : kNaN;
        X(i, 1) = present ? 0.25 + 0.5 * rng.uniform01() : f1;
        y[i] = label;
    }
    DecisionTreeClassifier tree;
    tree.fit(X, y);
    REQUIRE((tree.predict(X).array() == y.array()).all());
    double row[2] = {kNaN, 0.9};
    REQUIRE(tree.predict_row(row) == 1);
    row[1] = 0.1;
    REQUIRE(tree.predict_row(row) == 0);
}

TEST_CASE("Missing directions survive the artifact", "[tree][missing][io]") {
    DecisionTreeClassifier tree;
    tree.fit(col({1, 2, 3, 4, kNaN, kNaN}), ints({0, 0, 1, 1, 0, 0}));
    const auto loaded = ptest::load<DecisionTreeClassifier>(ptest::save(tree));
    REQUIRE(loaded.tree() == tree.tree());
    REQUIRE(loaded.predict_row(&kNaN) == 0);
    const auto bytes = prognos::io::to_artifact_bytes(tree);
    DecisionTreeClassifier again;
    prognos::io::from_artifact_bytes(bytes, again, "tree");
    REQUIRE(again.predict(col({kNaN, 1, 4})) == tree.predict(col({kNaN, 1, 4})));

    auto bad = ptest::save(tree);
    bad["tree"]["missing_left"] = std::vector<int>{1};
    REQUIRE_THROWS_AS(ptest::load<DecisionTreeClassifier>(bad), prognos::parse_error);
}

TEST_CASE("Infinity is still rejected by trees", "[tree][missing]") {
    const double inf = std::numeric_limits<double>::infinity();
    DecisionTreeClassifier tree;
    REQUIRE_THROWS_WITH(tree.fit(col({1, inf, 3}), ints({0, 1, 0})),
                        ptest::contains("row 1 (the 2nd), feature 0 is +infinity"));
    tree.fit(col({1, 2, 3}), ints({0, 1, 0}));
    REQUIRE_THROWS_AS(tree.predict_row(&inf), prognos::bad_value);
}

TEST_CASE("Balanced class weights equal explicit inverse-frequency weights", "[tree][weights]") {
    // 9 rows of class 0 and 3 of class 1: balanced gives n / (2 * count) = 12/18 = 2/3 and
    // 12/6 = 2.
    prognos::Random rng(3);
    Matrix X(12, 2);
    IntVector y(12);
    for (int i = 0; i < 12; ++i) {
        X(i, 0) = rng.uniform01();
        X(i, 1) = rng.uniform01();
        y[i] = i < 9 ? 0 : 1;
    }
    DecisionTreeClassifier::Params p;
    p.class_weight = ClassWeight::balanced();
    DecisionTreeClassifier balanced(p);
    balanced.fit(X, y);
    p.class_weight = ClassWeight::explicit_weights({{0, 2.0 / 3.0}, {1, 2.0}});
    DecisionTreeClassifier manual(p);
    manual.fit(X, y);
    REQUIRE(balanced.tree() == manual.tree());
    // And per-row sample weights of the same values give the same tree too.
    Vector w(12);
    for (int i = 0; i < 12; ++i) {
        w[i] = i < 9 ? 2.0 / 3.0 : 2.0;
    }
    DecisionTreeClassifier rows;
    rows.fit(X, y, w);
    REQUIRE(rows.tree() == balanced.tree());
}

TEST_CASE("Class weight moves a mixed leaf's decision", "[tree][weights]") {
    // One constant feature, so the tree is one leaf: 3 rows of class 0, 1 of class 1 gives
    // probabilities 3/4 and 1/4. Weighting class 1 by 6 gives 3/9 and 6/9.
    DecisionTreeClassifier tree;
    tree.fit(col({1, 1, 1, 1}), ints({0, 0, 0, 1}));
    const double x = 1.0;
    double proba[2];
    tree.predict_proba_row(&x, proba);
    REQUIRE(proba[0] == 0.75);
    REQUIRE(tree.predict_row(&x) == 0);
    tree.params().class_weight = ClassWeight::explicit_weights({{1, 6.0}});
    tree.fit(col({1, 1, 1, 1}), ints({0, 0, 0, 1}));
    tree.predict_proba_row(&x, proba);
    REQUIRE(proba[0] == Approx(1.0 / 3.0));
    REQUIRE(proba[1] == Approx(2.0 / 3.0));
    REQUIRE(tree.predict_row(&x) == 1);
}

TEST_CASE("An integer sample weight acts like repeating the row", "[tree][weights]") {
    // Weight 3 on row 2 against the same data with row 2 written three times: the leaf
    // weights, hence every probability, are the same (min_samples_leaf is 1, so distinct-row
    // counts do not matter here).
    const Matrix X = col({1, 2, 3, 4, 5, 6});
    const IntVector y = ints({0, 1, 0, 1, 1, 0});
    Vector w = Vector::Ones(6);
    w[2] = 3;
    DecisionTreeClassifier weighted;
    weighted.fit(X, y, w);
    DecisionTreeClassifier repeated;
    repeated.fit(col({1, 2, 3, 3, 3, 4, 5, 6}), ints({0, 1, 0, 0, 0, 1, 1, 0}));
    const Matrix grid = col({0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5});
    REQUIRE(weighted.predict_proba(grid) == repeated.predict_proba(grid));
}

TEST_CASE("Weights are checked", "[tree][weights]") {
    DecisionTreeClassifier tree;
    REQUIRE_THROWS_WITH(tree.fit(col({1, 2}), ints({0, 1}), Vector::Ones(3)),
                        ptest::contains("sample_weight has 3 entries but X has 2 rows"));
    Vector w(2);
    w << 1, -1;
    REQUIRE_THROWS_WITH(tree.fit(col({1, 2}), ints({0, 1}), w),
                        ptest::contains("sample_weight[1] must be finite and >= 0"));
    REQUIRE_THROWS_WITH(tree.fit(col({1, 2}), ints({0, 1}), Vector::Zero(2)),
                        ptest::contains("every row has weight 0"));
    tree.params().class_weight = ClassWeight::explicit_weights({{1, -2.0}});
    REQUIRE_THROWS_WITH(tree.fit(col({1, 2}), ints({0, 1})),
                        ptest::contains("class_weight for label 1 must be finite and >= 0"));
}

TEST_CASE("min_impurity_decrease stops a split that gains too little", "[tree][cart]") {
    // x = 1..4, y = 0 0 0 1: root gini 1 - (3/4)^2 - (1/4)^2 = 0.375; the cut at 3.5 leaves two
    // pure children, a decrease of exactly 0.375.
    DecisionTreeClassifier::Params p;
    p.min_impurity_decrease = 0.3;
    DecisionTreeClassifier tree(p);
    tree.fit(col({1, 2, 3, 4}), ints({0, 0, 0, 1}));
    REQUIRE(tree.node_count() == 3);
    REQUIRE(tree.tree().impurity[0] == Approx(0.375));
    tree.params().min_impurity_decrease = 0.4;
    tree.fit(col({1, 2, 3, 4}), ints({0, 0, 0, 1}));
    REQUIRE(tree.node_count() == 1);
    tree.params().min_impurity_decrease = -1;
    REQUIRE_THROWS_WITH(tree.fit(col({1, 2}), ints({0, 1})),
                        ptest::contains("min_impurity_decrease must be finite and >= 0"));
}

TEST_CASE("Tree importances are shares of the impurity decrease", "[tree][importance]") {
    // Feature 1 alone separates the classes (one split, decrease 0.5 of gini 0.5); feature 0
    // is never used, so the importances are exactly (0, 1).
    Matrix X(4, 2);
    X << 5, 1, 5, 2, 5, 3, 5, 4;
    DecisionTreeClassifier tree;
    tree.fit(X, ints({0, 0, 1, 1}));
    const Vector imp = tree.feature_importances();
    REQUIRE(imp[0] == 0.0);
    REQUIRE(imp[1] == 1.0);
}

TEST_CASE("Random splitter draws thresholds inside the node's range", "[tree][cart]") {
    // Extremely randomized: each split's threshold lies in [min, max) of its node's values, so
    // a tree grown to purity still classifies its training rows exactly, and the same seed
    // repeats the tree.
    prognos::Random rng(11);
    Matrix X(60, 2);
    IntVector y(60);
    for (int i = 0; i < 60; ++i) {
        X(i, 0) = rng.uniform01();
        X(i, 1) = rng.uniform01();
        y[i] = X(i, 0) + X(i, 1) > 1.0;
    }
    DecisionTreeClassifier::Params p;
    p.splitter = prognos::Splitter::random;
    p.seed = 5;
    DecisionTreeClassifier a(p), b(p);
    a.fit(X, y);
    b.fit(X, y);
    REQUIRE(a.tree() == b.tree());
    REQUIRE((a.predict(X).array() == y.array()).all());
    p.splitter = prognos::Splitter::best;
    DecisionTreeClassifier best(p);
    best.fit(X, y);
    REQUIRE(best.tree() != a.tree());
    const auto loaded = ptest::load<DecisionTreeClassifier>(ptest::save(a));
    REQUIRE(loaded.params().splitter == prognos::Splitter::random);
}
