// SPDX-License-Identifier: Apache-2.0
// Misuse of trees and forests that must end in a clear error, and degenerate inputs with a
// defined answer: warm starts on other classes, class weights for absent labels, damaged
// state refused by save, one-row isolation trees.

#include <prognos/ensemble.hpp>
#include <prognos/io/artifact.hpp>
#include <prognos/io/json_archive.hpp>
#include <prognos/tree.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "support/catch.hpp"

using prognos::ClassWeight;
using prognos::IntVector;
using prognos::Matrix;
using prognos::RandomForestClassifier;
using prognos::Vector;

namespace {

Matrix six_rows() {
    Matrix X(6, 1);
    X << 1, 2, 3, 4, 5, 6;
    return X;
}

IntVector labels(std::initializer_list<int> v) {
    IntVector y(static_cast<prognos::Index>(v.size()));
    int i = 0;
    for (int x : v) {
        y[i++] = x;
    }
    return y;
}

} // namespace

TEST_CASE("A warm start on a different number of classes is refused", "[ensemble][forest]") {
    // Both directions: the class lists differ in length, which must be an error before any
    // element is compared (and before any tree is grown on the new labels).
    for (bool three_first : {true, false}) {
        const IntVector three = labels({0, 0, 1, 1, 2, 2});
        const IntVector two = labels({0, 0, 0, 1, 1, 1});
        RandomForestClassifier::Params p;
        p.n_estimators = 5;
        p.warm_start = true;
        RandomForestClassifier forest(p);
        forest.fit(six_rows(), three_first ? three : two);
        const Matrix before = forest.predict_proba(six_rows());
        forest.params().n_estimators = 10;
        REQUIRE_THROWS_WITH(forest.fit(six_rows(), three_first ? two : three),
                            ptest::contains("warm_start needs data with the features and classes"));
        // The failed refit left the first forest as it was.
        REQUIRE(forest.trees().size() == 5);
        REQUIRE(forest.predict_proba(six_rows()) == before);
    }
}

TEST_CASE("A class weight for a label absent from training is an error", "[tree][forest]") {
    // A mistyped failure label would otherwise leave the rare class unweighted silently.
    prognos::DecisionTreeClassifier tree;
    tree.params().class_weight = ClassWeight::explicit_weights({{7, 5.0}});
    REQUIRE_THROWS_WITH(
        tree.fit(six_rows(), labels({0, 0, 0, 1, 1, 1})),
        ptest::contains("class_weight names label 7, which is not among the training classes "
                        "(0, 1)"));
    RandomForestClassifier::Params p;
    p.class_weight = ClassWeight::explicit_weights({{1, 2.0}, {3, 1.0}});
    RandomForestClassifier forest(p);
    REQUIRE_THROWS_WITH(forest.fit(six_rows(), labels({0, 0, 0, 1, 1, 1})),
                        ptest::contains("class_weight names label 3"));
}

TEST_CASE("A negative finite sample weight is named with its value", "[tree]") {
    prognos::DecisionTreeClassifier tree;
    Vector w = Vector::Ones(6);
    w[2] = -1.5;
    REQUIRE_THROWS_WITH(tree.fit(six_rows(), labels({0, 0, 0, 1, 1, 1}), w),
                        ptest::contains("sample_weight[2] must be finite and >= 0, got -1.5"));
}

TEST_CASE("An isolation forest of one-row trees calls nothing an outlier",
          "[ensemble][isolation]") {
    // With one row per tree every path has length 0 and c(1) = 0, so the depth ratio is taken
    // as 1: anomaly score 2^-1 = 0.5, score_samples -0.5, decision 0 against the "auto"
    // offset of -0.5, and a decision of 0 is an inlier (as in scikit-learn).
    prognos::IsolationForest::Params p;
    p.max_samples = 1;
    p.n_estimators = 10;
    prognos::IsolationForest forest(p);
    forest.fit(six_rows());
    const Vector s = forest.score_samples(six_rows());
    for (prognos::Index i = 0; i < s.size(); ++i) {
        REQUIRE(s[i] == -0.5);
    }
    const auto predicted = forest.predict(six_rows());
    for (prognos::Index i = 0; i < predicted.size(); ++i) {
        REQUIRE(predicted[i] == 1);
    }
}

TEST_CASE("A NaN contamination is refused, not taken as auto", "[ensemble][isolation]") {
    prognos::IsolationForest::Params p;
    p.contamination = std::numeric_limits<double>::quiet_NaN();
    prognos::IsolationForest forest(p);
    REQUIRE_THROWS_WITH(forest.fit(six_rows()),
                        ptest::contains("contamination must be in (0, 0.5] or negative"));
}

TEST_CASE("Loading refuses parameters fit would refuse and non-finite tree values",
          "[tree][artifact]") {
    prognos::DecisionTreeClassifier tree;
    tree.fit(six_rows(), labels({0, 0, 0, 1, 1, 1}));
    const auto good = prognos::io::to_json(tree);

    auto j = good;
    j["max_depth"] = 0;
    prognos::DecisionTreeClassifier loaded;
    REQUIRE_THROWS_WITH(prognos::io::from_json(j, loaded),
                        ptest::contains("max_depth must be >= 1 or -1"));

    j = good;
    j["tree"]["values"][0] = "NaN";
    REQUIRE_THROWS_WITH(prognos::io::from_json(j, loaded),
                        ptest::contains("node 0 has a non-finite value"));

    j = good;
    j["tree"]["missing_left"][0] = 7;
    REQUIRE_THROWS_WITH(prognos::io::from_json(j, loaded), ptest::contains("expected 0 or 1"));
    REQUIRE_NOTHROW(prognos::io::from_json(good, loaded));
}

TEST_CASE("save refuses an object that would not load back", "[tree][artifact]") {
    // Damage only reachable by writing into the public tree arrays: the file would be refused
    // at load, so it must never be written.
    prognos::DecisionTreeClassifier tree;
    tree.fit(six_rows(), labels({0, 0, 0, 1, 1, 1}));
    auto damaged = tree;
    const_cast<prognos::FlatTree&>(damaged.tree()).values[0] =
        std::numeric_limits<double>::quiet_NaN();
    const std::string path = "forest_misuse_damaged.prognos";
    REQUIRE_THROWS_WITH(prognos::io::save(damaged, path),
                        ptest::contains("refusing to save 'forest_misuse_damaged.prognos'") &&
                            ptest::contains("non-finite value"));
    std::FILE* f = std::fopen(path.c_str(), "rb");
    REQUIRE(f == nullptr);
    REQUIRE_NOTHROW(prognos::io::save(tree, path));
    std::remove(path.c_str());
}

TEST_CASE("Permutation importances refuse targets that leave R² undefined", "[ensemble][forest]") {
    prognos::RandomForestRegressor::Params p;
    p.n_estimators = 3;
    prognos::RandomForestRegressor forest(p);
    Vector y(6);
    y << 1, 2, 3, 4, 5, 6;
    forest.fit(six_rows(), y);
    Vector with_nan = y;
    with_nan[1] = std::numeric_limits<double>::quiet_NaN();
    REQUIRE_THROWS_WITH(forest.permutation_importances(six_rows(), with_nan),
                        ptest::contains("targets must be finite"));
    REQUIRE_THROWS_WITH(forest.permutation_importances(six_rows(), Vector::Constant(6, 2.0)),
                        ptest::contains("needs targets that vary"));
    REQUIRE(forest.permutation_importances(six_rows(), y).allFinite());
}
