// SPDX-License-Identifier: Apache-2.0
#include <prognos/core/random.hpp>
#include <prognos/tree.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "tree/tree_test_support.hpp"

using prognos::DecisionTreeClassifier;
using prognos::DecisionTreeRegressor;
using prognos::IntVector;
using prognos::Matrix;
using prognos::MaxFeatures;
using prognos::Vector;

namespace {

Matrix column(const std::vector<double>& v) {
    Matrix X(static_cast<prognos::Index>(v.size()), 1);
    for (std::size_t i = 0; i < v.size(); ++i) {
        X(static_cast<prognos::Index>(i), 0) = v[i];
    }
    return X;
}

IntVector labels(const std::vector<int>& v) {
    return Eigen::Map<const IntVector>(v.data(), static_cast<prognos::Index>(v.size()));
}

DecisionTreeClassifier stump() {
    DecisionTreeClassifier::Params p;
    p.max_depth = 1;
    return DecisionTreeClassifier(p);
}

const std::string case010 =
    std::string(PROGNOS_TEST_DATA_DIR) + "/cases/010-tree-value-equal-to-threshold/input.csv";

} // namespace

TEST_CASE("Case 010 stump sends a query equal to its threshold left", "[tree][decision_tree]") {
    const Matrix data = ptest::read_numeric_csv(case010, nullptr);
    const Matrix X = data.leftCols(1);
    IntVector y = data.col(1).cast<int>();
    DecisionTreeClassifier tree = stump();
    tree.fit(X, y);
    REQUIRE(tree.node_count() == 3);
    REQUIRE(tree.tree().feature[0] == 0);
    // The midpoint of the double values 0.3 and 0.4, halved first as the builder does.
    const double t = tree.tree().threshold[0];
    REQUIRE(t == 0.3 / 2 + 0.4 / 2);
    REQUIRE(tree.predict_row(&t) == 0);
    double proba[2];
    tree.predict_proba_row(&t, proba);
    REQUIRE(proba[0] == 1.0);
    REQUIRE(proba[1] == 0.0);
    const Matrix q = column({t, std::nextafter(t, 1.0), 0.3, 0.4});
    const IntVector predicted = tree.predict(q);
    REQUIRE(predicted[0] == 0);
    REQUIRE(predicted[1] == 1);
    REQUIRE(predicted[2] == 0);
    REQUIRE(predicted[3] == 1);
}

TEST_CASE("Case 010 control with integer data puts 3.5 left and 3.5000001 right",
          "[tree][decision_tree]") {
    DecisionTreeClassifier tree = stump();
    tree.fit(column({1, 2, 3, 4, 5, 6}), labels({0, 0, 0, 1, 1, 1}));
    REQUIRE(tree.tree().threshold[0] == 3.5);
    const double at = 3.5;
    const double above = 3.5000001;
    REQUIRE(tree.predict_row(&at) == 0);
    REQUIRE(tree.predict_row(&above) == 1);
}

TEST_CASE("Case 010 holds for 200 random stumps", "[tree][decision_tree]") {
    // Uniform data in [0, 1) from many seeds; some data sets use only a few distinct values so
    // that splits between duplicated values are covered too.
    int checked = 0;
    for (std::uint64_t seed = 0; checked < 200; ++seed) {
        prognos::Random rng(seed);
        const auto n = 2 + static_cast<int>(rng.uniform_index(40));
        std::vector<double> x(static_cast<std::size_t>(n));
        std::vector<int> y(static_cast<std::size_t>(n));
        const bool coarse = seed % 4 == 0;
        for (int i = 0; i < n; ++i) {
            x[static_cast<std::size_t>(i)] =
                coarse ? static_cast<double>(rng.uniform_index(5)) / 7.0 : rng.uniform01();
            y[static_cast<std::size_t>(i)] = static_cast<int>(rng.uniform_index(2));
        }
        DecisionTreeClassifier tree = stump();
        tree.fit(column(x), labels(y));
        const prognos::FlatTree& t = tree.tree();
        if (t.node_count() == 1) {
            continue; // one class, or all x equal: nothing to split
        }
        ++checked;
        const double thr = t.threshold[0];
        REQUIRE(t.find_leaf(&thr) == t.left[0]);
        const double above = std::nextafter(thr, 2.0);
        REQUIRE(t.find_leaf(&above) == t.right[0]);
        // The threshold lies between two adjacent distinct training values a < b: at the
        // midpoint, or at a when the midpoint rounds to b. So every training row is on the
        // side the split was computed for.
        double a = -std::numeric_limits<double>::infinity();
        double b = std::numeric_limits<double>::infinity();
        for (double v : x) {
            if (v <= thr) {
                a = std::max(a, v);
            } else {
                b = std::min(b, v);
            }
        }
        REQUIRE(std::isfinite(a));
        REQUIRE(std::isfinite(b));
        const double mid = a / 2 + b / 2;
        REQUIRE(thr == (mid < b ? mid : a));
    }
}

TEST_CASE("Threshold between adjacent doubles is the lower value", "[tree][decision_tree]") {
    const double a = 0.1;
    const double b = std::nextafter(a, 1.0);
    DecisionTreeClassifier tree = stump();
    tree.fit(column({a, a, b, b}), labels({0, 0, 1, 1}));
    REQUIRE(tree.tree().threshold[0] == a);
    REQUIRE(tree.predict_row(&a) == 0);
    REQUIRE(tree.predict_row(&b) == 1);

    // Halving before adding keeps the midpoint of huge values finite.
    tree.fit(column({-1.5e308, 1.7e308}), labels({0, 1}));
    REQUIRE(std::isfinite(tree.tree().threshold[0]));
    REQUIRE(tree.tree().threshold[0] == -1.5e308 / 2 + 1.7e308 / 2);
}

TEST_CASE("Gini and entropy pick different hand-worked splits", "[tree][decision_tree]") {
    // x = 1..8, y = 0 0 0 0 1 0 0 1. Weighted child impurities of the candidate cuts:
    //   cut 7.5: left (6 zeros, 1 one), right (0, 1)
    //     gini    7/8 * (1 - 36/49 - 1/49) = 7/8 * 12/49 = 0.2143 (best for gini)
    //     entropy 7/8 * H(1/7) = 7/8 * 0.5917 = 0.5177
    //   cut 4.5: left (4, 0), right (2, 2)
    //     gini    4/8 * 0.5 = 0.25
    //     entropy 4/8 * 1 = 0.5 (best for entropy)
    // (every other cut is worse for both; checked by enumeration when designing the case).
    const Matrix X = column({1, 2, 3, 4, 5, 6, 7, 8});
    const IntVector y = labels({0, 0, 0, 0, 1, 0, 0, 1});
    double proba[2];
    const double probe = 1.0;

    DecisionTreeClassifier gini = stump();
    gini.fit(X, y);
    REQUIRE(gini.tree().threshold[0] == 7.5);
    gini.predict_proba_row(&probe, proba);
    REQUIRE(proba[0] == 6.0 / 7.0);
    REQUIRE(proba[1] == 1.0 / 7.0);

    DecisionTreeClassifier::Params p;
    p.max_depth = 1;
    p.criterion = DecisionTreeClassifier::Criterion::entropy;
    DecisionTreeClassifier entropy(p);
    entropy.fit(X, y);
    REQUIRE(entropy.tree().threshold[0] == 4.5);
    const double probe_right = 6.0;
    entropy.predict_proba_row(&probe_right, proba);
    REQUIRE(proba[0] == 0.5);
    REQUIRE(proba[1] == 0.5);
}

TEST_CASE("Two features: the tree picks the feature with the purer cut", "[tree][decision_tree]") {
    // Feature 0 separates perfectly between 2 and 3 (gini 0); feature 1's best cut leaves a
    // mixed side (at best 3/4 * 4/9 = 1/3). Unlimited depth: the root split alone ends it.
    Matrix X(4, 2);
    X << 1, 4, 2, 1, 3, 3, 4, 2;
    DecisionTreeClassifier tree;
    tree.fit(X, labels({0, 0, 1, 1}));
    REQUIRE(tree.node_count() == 3);
    REQUIRE(tree.depth() == 1);
    REQUIRE(tree.tree().feature[0] == 0);
    REQUIRE(tree.tree().threshold[0] == 2.5);
}

TEST_CASE("Regression tree minimises squared error by hand", "[tree][decision_tree]") {
    // x = 1 2 3 4, y = 1 2 10 11. Sums of squared errors of the cuts:
    //   1.5: 0 + var-sum of {2,10,11} = 2*... = 44.67;  2.5: 0.5 + 0.5 = 1;  3.5: 48.67 + 0
    // so the root cuts at 2.5 with leaf means 1.5 and 10.5.
    const Matrix X = column({1, 2, 3, 4});
    Vector y(4);
    y << 1, 2, 10, 11;
    DecisionTreeRegressor::Params p;
    p.max_depth = 1;
    DecisionTreeRegressor stump_reg(p);
    stump_reg.fit(X, y);
    REQUIRE(stump_reg.tree().threshold[0] == 2.5);
    const Vector pred = stump_reg.predict(column({0, 2.5, 2.6, 100}));
    REQUIRE(pred[0] == 1.5);
    REQUIRE(pred[1] == 1.5);
    REQUIRE(pred[2] == 10.5);
    REQUIRE(pred[3] == 10.5);

    // Unlimited depth reproduces every training target (7 nodes: a full tree of depth 2).
    DecisionTreeRegressor full;
    full.fit(X, y);
    REQUIRE(full.node_count() == 7);
    REQUIRE(full.depth() == 2);
    const Vector fitted = full.predict(X);
    for (prognos::Index i = 0; i < 4; ++i) {
        REQUIRE(fitted[i] == y[i]);
    }
}

TEST_CASE("min_samples_leaf and min_samples_split limit the tree", "[tree][decision_tree]") {
    // Same data as the gini stump: with min_samples_leaf 2 the cut 7.5 (right side of one row)
    // is not allowed and gini's next best is 4.5 (0.25, see above; cut 6.5 gives
    // 6/8 * (1 - 25/36 - 1/36) + 2/8 * 0.5 = 0.3333, cut 5.5 gives 0.2667).
    const Matrix X = column({1, 2, 3, 4, 5, 6, 7, 8});
    const IntVector y = labels({0, 0, 0, 0, 1, 0, 0, 1});
    DecisionTreeClassifier::Params p;
    p.max_depth = 1;
    p.min_samples_leaf = 2;
    DecisionTreeClassifier tree(p);
    tree.fit(X, y);
    REQUIRE(tree.tree().threshold[0] == 4.5);

    DecisionTreeClassifier::Params q;
    q.min_samples_split = 9;
    DecisionTreeClassifier no_split(q);
    no_split.fit(X, y);
    REQUIRE(no_split.node_count() == 1);
    REQUIRE(no_split.depth() == 0);
}

TEST_CASE("Classifier keeps arbitrary int labels sorted", "[tree][decision_tree]") {
    DecisionTreeClassifier tree;
    tree.fit(column({1, 2, 3, 4, 5, 6}), labels({7, 7, -2, -2, 40, 40}));
    REQUIRE(tree.classes().size() == 3);
    REQUIRE(tree.classes()[0] == -2);
    REQUIRE(tree.classes()[1] == 7);
    REQUIRE(tree.classes()[2] == 40);
    const IntVector pred = tree.predict(column({1, 3.2, 6}));
    REQUIRE(pred[0] == 7);
    REQUIRE(pred[1] == -2);
    REQUIRE(pred[2] == 40);
    const Matrix proba = tree.predict_proba(column({6}));
    REQUIRE(proba.cols() == 3);
    REQUIRE(proba(0, 2) == 1.0);
}

TEST_CASE("Case 015 single-class training gives a constant tree", "[tree][decision_tree]") {
    // The class column reads "normal" in every row; the caller encodes it as an int (here 3).
    const Matrix X = ptest::read_case015_features();
    REQUIRE(X.rows() == 12);
    const IntVector y = IntVector::Constant(12, 3);
    DecisionTreeClassifier tree;
    tree.fit(X, y);
    REQUIRE(tree.classes().size() == 1);
    REQUIRE(tree.classes()[0] == 3);
    REQUIRE(tree.node_count() == 1);
    Matrix q(2, 2);
    q << 0, 0, 1000, -5;
    const Matrix proba = tree.predict_proba(q);
    REQUIRE(proba.cols() == 1);
    REQUIRE(proba(0, 0) == 1.0);
    REQUIRE(proba(1, 0) == 1.0);
    REQUIRE(tree.predict(q) == IntVector::Constant(2, 3));
    const DecisionTreeClassifier loaded = ptest::load<DecisionTreeClassifier>(ptest::save(tree));
    REQUIRE(loaded.predict_row(q.data()) == 3);
}

TEST_CASE("Tree parameters are checked at fit with clear messages", "[tree][decision_tree]") {
    const Matrix X = column({1, 2, 3});
    const IntVector y = labels({0, 1, 0});
    DecisionTreeClassifier tree;
    tree.params().max_depth = 0;
    REQUIRE_THROWS_WITH(tree.fit(X, y),
                        ptest::contains("DecisionTreeClassifier: max_depth must be >= 1 or -1 "
                                        "(unlimited), got 0"));
    tree.params().max_depth = -1;
    tree.params().min_samples_split = 1;
    REQUIRE_THROWS_WITH(tree.fit(X, y), ptest::contains("min_samples_split must be >= 2, got 1"));
    tree.params().min_samples_split = 2;
    tree.params().min_samples_leaf = 0;
    REQUIRE_THROWS_WITH(tree.fit(X, y), ptest::contains("min_samples_leaf must be >= 1, got 0"));
    tree.params().min_samples_leaf = 1;
    tree.params().max_features = MaxFeatures::count(2);
    REQUIRE_THROWS_WITH(
        tree.fit(X, y),
        ptest::contains("max_features must be in [1, n_features = 1], got count(2)"));
    tree.params().max_features = MaxFeatures::fraction(1.5);
    REQUIRE_THROWS_WITH(tree.fit(X, y), ptest::contains("fraction must be in (0, 1], got 1.5"));
    tree.params().max_features = MaxFeatures::all();
    tree.params().criterion = static_cast<DecisionTreeClassifier::Criterion>(7);
    REQUIRE_THROWS_WITH(tree.fit(X, y),
                        ptest::contains("criterion must be gini or entropy, got 7"));
    REQUIRE_FALSE(tree.is_fitted());

    DecisionTreeRegressor reg;
    reg.params().min_samples_leaf = -3;
    Vector yr = Vector::Zero(3);
    REQUIRE_THROWS_WITH(
        reg.fit(X, yr),
        ptest::contains("DecisionTreeRegressor: min_samples_leaf must be >= 1, got -3"));
}

TEST_CASE("MaxFeatures resolves like scikit-learn", "[tree][max_features]") {
    // sklearn 1.2: sqrt -> max(1, int(sqrt(n))), log2 -> max(1, int(log2(n))),
    // float f -> max(1, int(f * n)).
    REQUIRE(MaxFeatures::all().resolve(10, "t") == 10);
    REQUIRE(MaxFeatures::sqrt().resolve(10, "t") == 3);
    REQUIRE(MaxFeatures::sqrt().resolve(1, "t") == 1);
    REQUIRE(MaxFeatures::log2().resolve(10, "t") == 3);
    REQUIRE(MaxFeatures::log2().resolve(1, "t") == 1);
    REQUIRE(MaxFeatures::fraction(0.25).resolve(10, "t") == 2);
    REQUIRE(MaxFeatures::fraction(0.01).resolve(10, "t") == 1);
    REQUIRE(MaxFeatures::count(4).resolve(10, "t") == 4);
    REQUIRE_THROWS_AS(MaxFeatures::count(0).resolve(10, "t"), prognos::invalid_argument);
}

TEST_CASE("Infinity is rejected at fit and predict", "[tree][decision_tree]") {
    // NaN is a missing value since trees learn where to send it (missing_weights_test.cpp).
    Matrix X = column({1, 2, 3});
    X(1, 0) = -std::numeric_limits<double>::infinity();
    DecisionTreeClassifier tree;
    REQUIRE_THROWS_AS(tree.fit(X, labels({0, 1, 0})), prognos::bad_value);
    REQUIRE_THROWS_WITH(
        tree.fit(X, labels({0, 1, 0})),
        ptest::contains("DecisionTreeClassifier::fit: row 1 (the 2nd), feature 0 is -infinity"));

    tree.fit(column({1, 2, 3}), labels({0, 1, 0}));
    const double inf = std::numeric_limits<double>::infinity();
    REQUIRE_THROWS_AS(tree.predict_row(&inf), prognos::bad_value);
    double out[2];
    REQUIRE_THROWS_AS(tree.predict_proba_row(&inf, out), prognos::bad_value);
    REQUIRE_THROWS_AS(tree.predict(column({inf})), prognos::bad_value);
    REQUIRE_THROWS_AS(tree.predict(Matrix::Zero(1, 2)), prognos::invalid_argument);

    DecisionTreeRegressor reg;
    Vector y(3);
    y << 1, std::numeric_limits<double>::quiet_NaN(), 2;
    REQUIRE_THROWS_WITH(reg.fit(column({1, 2, 3}), y), ptest::contains("target y[1] is NaN"));
    REQUIRE_THROWS_AS(reg.predict(column({1})), prognos::not_fitted);
    REQUIRE_THROWS_AS(DecisionTreeClassifier().predict_row(&inf), prognos::not_fitted);
}

TEST_CASE("Trees match scikit-learn fixtures", "[tree][decision_tree][sklearn]") {
    const nlohmann::json fixtures =
        ptest::read_json(std::string(PROGNOS_TEST_DATA_DIR) + "/tree/tree_fixtures.json");
    for (const auto& c : fixtures["cases"]) {
        const std::string name = c["name"];
        INFO("fixture " << name);
        const Matrix X = ptest::json_matrix(c["X"]);
        const Matrix Xq = ptest::json_matrix(c["X_test"]);
        const auto& params = c["params"];
        const prognos::FlatTree* tree = nullptr;
        DecisionTreeClassifier clf;
        DecisionTreeRegressor reg;
        auto apply = [&](auto& p) {
            p.max_depth = params.value("max_depth", -1);
            p.min_samples_leaf = params.value("min_samples_leaf", 1);
            p.min_samples_split = params.value("min_samples_split", 2);
        };
        if (c["kind"] == "classifier") {
            apply(clf.params());
            if (params.value("criterion", "gini") == "entropy") {
                clf.params().criterion = DecisionTreeClassifier::Criterion::entropy;
            }
            const std::vector<int> yv = c["y"];
            clf.fit(X, labels(yv));
            tree = &clf.tree();
            const std::vector<int> classes = c["classes"];
            REQUIRE(std::vector<int>(clf.classes().data(),
                                     clf.classes().data() + clf.classes().size()) == classes);
            const IntVector pred = clf.predict(Xq);
            const Matrix proba = clf.predict_proba(Xq);
            const Matrix expected = ptest::json_matrix(c["proba"]);
            for (prognos::Index i = 0; i < Xq.rows(); ++i) {
                REQUIRE(pred[i] == c["predict"][static_cast<std::size_t>(i)].get<int>());
                for (prognos::Index k = 0; k < proba.cols(); ++k) {
                    REQUIRE(proba(i, k) == Approx(expected(i, k)).margin(1e-12));
                }
            }
            REQUIRE(clf.depth() == c["depth"].get<int>());
            REQUIRE(clf.node_count() == c["node_count"].get<int>());
        } else {
            apply(reg.params());
            const std::vector<double> yv = c["y"];
            reg.fit(X, Eigen::Map<const Vector>(yv.data(), static_cast<prognos::Index>(yv.size())));
            tree = &reg.tree();
            const Vector pred = reg.predict(Xq);
            for (prognos::Index i = 0; i < Xq.rows(); ++i) {
                REQUIRE(
                    pred[i] ==
                    Approx(c["predict"][static_cast<std::size_t>(i)].get<double>()).epsilon(1e-12));
            }
            REQUIRE(reg.depth() == c["depth"].get<int>());
            REQUIRE(reg.node_count() == c["node_count"].get<int>());
        }
        // Same nodes in the same pre-order, and bit-identical thresholds (the data are exact
        // in float32, scikit-learn's storage type, and both take the midpoint in double).
        REQUIRE(tree->feature == c["feature"].get<std::vector<int>>());
        REQUIRE(tree->threshold == c["threshold"].get<std::vector<double>>());
        REQUIRE(tree->left == c["left"].get<std::vector<int>>());
        REQUIRE(tree->right == c["right"].get<std::vector<int>>());
    }
}

TEST_CASE("Tree max_features draws depend only on the seed", "[tree][decision_tree]") {
    prognos::Random rng(5);
    Matrix X(200, 6);
    IntVector y(200);
    for (prognos::Index i = 0; i < 200; ++i) {
        for (prognos::Index j = 0; j < 6; ++j) {
            X(i, j) = rng.uniform01();
        }
        y[i] = X(i, 0) + X(i, 3) > 1.0 ? 1 : 0;
    }
    DecisionTreeClassifier::Params p;
    p.max_features = MaxFeatures::count(2);
    p.seed = 9;
    DecisionTreeClassifier a(p), b(p);
    a.fit(X, y);
    b.fit(X, y);
    REQUIRE(a.tree() == b.tree());
    p.seed = 10;
    DecisionTreeClassifier c(p);
    c.fit(X, y);
    REQUIRE(a.tree() != c.tree());
}

TEST_CASE("Tree serialization round-trips and rejects damaged trees", "[tree][decision_tree][io]") {
    Matrix X(6, 2);
    X << 1, 5, 2, 4, 3, 3, 4, 2, 5, 1, 6, 0;
    DecisionTreeClassifier tree;
    tree.fit(X, labels({0, 0, 1, 1, 0, 1}));
    const nlohmann::json saved = ptest::save(tree);
    const auto loaded = ptest::load<DecisionTreeClassifier>(saved);
    REQUIRE(loaded.tree() == tree.tree());
    REQUIRE(loaded.classes() == tree.classes());
    REQUIRE(loaded.predict_proba(X) == tree.predict_proba(X));
    const auto n = static_cast<std::size_t>(tree.node_count());
    REQUIRE(n >= 3);

    SECTION("child index out of range") {
        auto bad = saved;
        std::vector<int> left = tree.tree().left;
        left[0] = static_cast<int>(n);
        bad["tree"]["left"] = left;
        REQUIRE_THROWS_AS(ptest::load<DecisionTreeClassifier>(bad), prognos::parse_error);
        REQUIRE_THROWS_WITH(ptest::load<DecisionTreeClassifier>(bad),
                            ptest::contains("child index"));
    }
    SECTION("a cycle back to the root") {
        auto bad = saved;
        std::vector<int> right = tree.tree().right;
        right[static_cast<std::size_t>(tree.tree().left[0])] = 0;
        std::vector<int> feature = tree.tree().feature;
        feature[static_cast<std::size_t>(tree.tree().left[0])] = 0;
        std::vector<int> left = tree.tree().left;
        left[static_cast<std::size_t>(tree.tree().left[0])] = 0;
        bad["tree"]["right"] = right;
        bad["tree"]["left"] = left;
        bad["tree"]["feature"] = feature;
        REQUIRE_THROWS_AS(ptest::load<DecisionTreeClassifier>(bad), prognos::parse_error);
    }
    SECTION("feature index beyond n_features") {
        auto bad = saved;
        std::vector<int> feature = tree.tree().feature;
        feature[0] = 2;
        bad["tree"]["feature"] = feature;
        REQUIRE_THROWS_WITH(ptest::load<DecisionTreeClassifier>(bad),
                            ptest::contains("tests feature 2 but the model has 2 features"));
    }
    SECTION("values of the wrong size") {
        auto bad = saved;
        std::vector<double> values = tree.tree().values;
        values.pop_back();
        bad["tree"]["values"] = values;
        REQUIRE_THROWS_AS(ptest::load<DecisionTreeClassifier>(bad), prognos::parse_error);
    }
    SECTION("arrays of different lengths") {
        auto bad = saved;
        std::vector<double> thr = tree.tree().threshold;
        thr.push_back(0.0);
        bad["tree"]["threshold"] = thr;
        REQUIRE_THROWS_WITH(ptest::load<DecisionTreeClassifier>(bad),
                            ptest::contains("node arrays differ in length"));
    }
    SECTION("classes not matching the value width") {
        auto bad = saved;
        bad["classes"] = std::vector<int>{0, 1, 2};
        REQUIRE_THROWS_AS(ptest::load<DecisionTreeClassifier>(bad), prognos::parse_error);
        bad["classes"] = std::vector<int>{1, 0};
        REQUIRE_THROWS_WITH(ptest::load<DecisionTreeClassifier>(bad),
                            ptest::contains("strictly increasing"));
    }
    SECTION("unknown criterion") {
        auto bad = saved;
        bad["criterion"] = 5;
        REQUIRE_THROWS_WITH(ptest::load<DecisionTreeClassifier>(bad), ptest::contains("criterion"));
    }
}

TEST_CASE("Regression tree serialization round-trips", "[tree][decision_tree][io]") {
    const Matrix X = column({1, 2, 3, 4, 5});
    Vector y(5);
    y << 0.5, 1.5, -2, 8, 8.25;
    DecisionTreeRegressor reg;
    reg.fit(X, y);
    const auto loaded = ptest::load<DecisionTreeRegressor>(ptest::save(reg));
    REQUIRE(loaded.tree() == reg.tree());
    REQUIRE(loaded.predict(X) == reg.predict(X));
    auto bad = ptest::save(reg);
    bad["tree"]["value_width"] = 2;
    REQUIRE_THROWS_AS(ptest::load<DecisionTreeRegressor>(bad), prognos::parse_error);
}
