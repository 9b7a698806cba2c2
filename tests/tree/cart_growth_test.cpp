// SPDX-License-Identifier: Apache-2.0
// Cost-complexity pruning (ccp_alpha and the pruning path), best-first growth
// (max_leaf_nodes) and the absolute-error criterion. Expected values are either worked by hand
// in the comment beside them or come from scikit-learn 1.2.1 through
// tests/data/tree/gen_cart3_fixtures.py (cart3_fixtures.json).

#include <prognos/ensemble.hpp>
#include <prognos/io/artifact.hpp>
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

Matrix col(const std::vector<double>& v) {
    Matrix X(static_cast<prognos::Index>(v.size()), 1);
    for (std::size_t i = 0; i < v.size(); ++i) {
        X(static_cast<prognos::Index>(i), 0) = v[i];
    }
    return X;
}

IntVector ints(const std::vector<int>& v) {
    return Eigen::Map<const IntVector>(v.data(), static_cast<prognos::Index>(v.size()));
}

Vector reals(const std::vector<double>& v) {
    return Eigen::Map<const Vector>(v.data(), static_cast<prognos::Index>(v.size()));
}

int leaf_count(const prognos::FlatTree& t) {
    int n = 0;
    for (int f : t.feature) {
        n += f < 0;
    }
    return n;
}

// The pruning example worked by hand below: x = 1..7, y = 0 0 0 0 1 1 0.
Matrix seven() {
    return col({1, 2, 3, 4, 5, 6, 7});
}

IntVector seven_y() {
    return ints({0, 0, 0, 0, 1, 1, 0});
}

} // namespace

// Root: 5 zeros and 2 ones, gini 1 - 25/49 - 4/49 = 20/49. Best cut x <= 4.5 (left four zeros,
// pure; right {1, 1, 0}, gini 4/9); then the right node cuts at 6.5 into pure leaves. Five
// nodes. With R(t) = weight share x impurity: R(root) = 20/49, R(right) = 3/7 * 4/9 = 4/21,
// all leaves 0. Effective alphas: right node 4/21 / 1 = 0.1905, root (20/49) / 2 = 0.2041, so
// the right node goes first at 4/21; the root is then a two-leaf branch with R = 4/21 and
// alpha 20/49 - 4/21 = 32/147 = 0.2177.
TEST_CASE("Cost-complexity pruning follows the hand-worked weakest links", "[tree][ccp]") {
    DecisionTreeClassifier full;
    const auto path = full.cost_complexity_pruning_path(seven(), seven_y());
    REQUIRE(path.ccp_alphas.size() == 3);
    REQUIRE(path.ccp_alphas[0] == 0.0);
    REQUIRE(path.ccp_alphas[1] == Approx(4.0 / 21.0).epsilon(1e-14));
    REQUIRE(path.ccp_alphas[2] == Approx(32.0 / 147.0).epsilon(1e-14));
    REQUIRE(path.impurities[0] == 0.0);
    REQUIRE(path.impurities[1] == Approx(4.0 / 21.0).epsilon(1e-14));
    REQUIRE(path.impurities[2] == Approx(20.0 / 49.0).epsilon(1e-14));
    REQUIRE_FALSE(full.is_fitted()); // the path leaves the model alone

    DecisionTreeClassifier::Params p;
    p.ccp_alpha = 0.18;
    DecisionTreeClassifier keep(p);
    keep.fit(seven(), seven_y());
    REQUIRE(keep.node_count() == 5);

    p.ccp_alpha = 0.2;
    DecisionTreeClassifier mid(p);
    mid.fit(seven(), seven_y());
    REQUIRE(mid.node_count() == 3);
    REQUIRE(mid.tree().left == std::vector<int>{1, -1, -1});
    REQUIRE(mid.tree().right == std::vector<int>{2, -1, -1});
    REQUIRE(mid.tree().threshold[0] == 4.5);
    const double x6 = 6.0;
    double proba[2];
    mid.predict_proba_row(&x6, proba);
    REQUIRE(proba[0] == Approx(1.0 / 3.0).epsilon(1e-15));
    REQUIRE(proba[1] == Approx(2.0 / 3.0).epsilon(1e-15));
    REQUIRE(mid.predict_row(&x6) == 1);
    REQUIRE(mid.depth() == 1);

    // Large enough: only the root is left, predicting the class frequencies 5/7 and 2/7, and
    // with no split left every importance is 0.
    p.ccp_alpha = 0.22;
    DecisionTreeClassifier root(p);
    root.fit(seven(), seven_y());
    REQUIRE(root.node_count() == 1);
    const Matrix pr = root.predict_proba(col({0.0, 6.0, 100.0}));
    for (prognos::Index i = 0; i < 3; ++i) {
        REQUIRE(pr(i, 0) == Approx(5.0 / 7.0).epsilon(1e-15));
        REQUIRE(pr(i, 1) == Approx(2.0 / 7.0).epsilon(1e-15));
    }
    REQUIRE(root.feature_importances()[0] == 0.0);
}

// Regression: y = 0 0 10 10 at x = 1..4 with one extra row y = 1 at x = 5. Root mean 21/5,
// the pruned root predicts it; any alpha above the whole path prunes to the root.
TEST_CASE("A pruned regression tree predicts its root mean", "[tree][ccp]") {
    const Matrix X = col({1, 2, 3, 4, 5});
    const Vector y = reals({0, 0, 10, 10, 1});
    DecisionTreeRegressor reg;
    const auto path = reg.cost_complexity_pruning_path(X, y);
    DecisionTreeRegressor::Params p;
    p.ccp_alpha = path.ccp_alphas.back() * 1.01;
    reg = DecisionTreeRegressor(p);
    reg.fit(X, y);
    REQUIRE(reg.node_count() == 1);
    REQUIRE(reg.predict(X)[0] == Approx(21.0 / 5.0).epsilon(1e-15));
    // The impurity of the last path entry is the root's variance: mean of squares 201/5 minus
    // the squared mean (21/5)^2 = (1005 - 441) / 25 = 22.56.
    REQUIRE(path.impurities.back() == Approx(22.56).epsilon(1e-12));
}

TEST_CASE("Pruning keeps missing-value routing importances and artifacts sound", "[tree][ccp]") {
    // Feature 0 carries the signal with some values missing (missing rows are class 1);
    // feature 1 is noise that only the unpruned tree uses.
    const double nan = std::numeric_limits<double>::quiet_NaN();
    Matrix X(12, 2);
    X << 1, 3, 2, 1, 3, 4, nan, 2, 5, 6, 6, 5, nan, 8, 8, 7, 9, 10, 10, 9, nan, 12, 12, 11;
    const IntVector y = ints({0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1});
    DecisionTreeClassifier full;
    full.fit(X, y);
    const auto path = full.cost_complexity_pruning_path(X, y);
    REQUIRE(path.ccp_alphas.size() >= 3);
    DecisionTreeClassifier::Params p;
    p.ccp_alpha = (path.ccp_alphas[path.ccp_alphas.size() - 2] + path.ccp_alphas.back()) / 2;
    DecisionTreeClassifier pruned(p);
    pruned.fit(X, y);
    REQUIRE(pruned.node_count() == 3);
    REQUIRE(pruned.node_count() < full.node_count());
    // The kept split is the full tree's root split, with the same missing direction.
    REQUIRE(pruned.tree().feature[0] == full.tree().feature[0]);
    REQUIRE(pruned.tree().threshold[0] == full.tree().threshold[0]);
    REQUIRE(pruned.tree().missing_left[0] == full.tree().missing_left[0]);
    REQUIRE(pruned.tree().validate(2, 2).empty());
    // One split left: all importance on its feature.
    REQUIRE(pruned.feature_importances()[pruned.tree().feature[0]] == 1.0);
    const double row[2] = {nan, 0.0};
    const int leaf = pruned.tree().find_leaf(row);
    REQUIRE(leaf == (pruned.tree().missing_left[0] ? 1 : 2));

    const auto bytes = prognos::io::to_artifact_bytes(pruned);
    DecisionTreeClassifier loaded;
    prognos::io::from_artifact_bytes(bytes, loaded, "pruned tree");
    REQUIRE(loaded.tree() == pruned.tree());
    REQUIRE(loaded.params().ccp_alpha == p.ccp_alpha);
    REQUIRE(loaded.predict_proba(X) == pruned.predict_proba(X));
    REQUIRE(prognos::io::to_artifact_bytes(loaded) == bytes);
}

// x = 1..7, y = 0 0 0 0 1 1 0 again: the best root cut is 4.5 and only the right node can split
// further, so 2 leaves give the stump and 3 leaves the full five-node tree.
TEST_CASE("max_leaf_nodes limits the leaves of a hand-worked tree", "[tree][max_leaf_nodes]") {
    DecisionTreeClassifier::Params p;
    p.max_leaf_nodes = 2;
    DecisionTreeClassifier two(p);
    two.fit(seven(), seven_y());
    REQUIRE(two.node_count() == 3);
    REQUIRE(two.tree().threshold[0] == 4.5);
    p.max_leaf_nodes = 3;
    DecisionTreeClassifier three(p);
    three.fit(seven(), seven_y());
    REQUIRE(three.node_count() == 5);
    REQUIRE(three.tree() == DecisionTreeClassifier().fit(seven(), seven_y()).tree());
}

// x = 1..8, y = 0 0 0 2 20 20 22 30. Root: the cut 4.5 leaves squared errors 3 (left, mean
// 0.5) + 68 (right, mean 23), the best. Left node {0 0 0 2}: cut 3.5 lowers 3 to 0 (decrease
// 3). Right node {20 20 22 30}: cut 7.5 gives {20 20 22} (2.67) and {30}, decrease 65.33.
// Right-left {20 20 22}: cut 6.5, decrease 2.67. Best-first therefore splits right (3 leaves),
// then left (3 > 2.67, 4 leaves), then right-left (5 leaves).
TEST_CASE("Best-first growth splits the largest decrease first", "[tree][max_leaf_nodes]") {
    const Matrix X = col({1, 2, 3, 4, 5, 6, 7, 8});
    const Vector y = reals({0, 0, 0, 2, 20, 20, 22, 30});
    DecisionTreeRegressor::Params p;
    p.max_leaf_nodes = 3;
    DecisionTreeRegressor reg(p);
    reg.fit(X, y);
    REQUIRE(reg.node_count() == 5);
    REQUIRE(reg.tree().threshold == std::vector<double>{4.5, 0, 7.5, 0, 0});
    Vector pred = reg.predict(X);
    REQUIRE(pred[3] == 0.5);
    REQUIRE(pred[4] == Approx(62.0 / 3.0).epsilon(1e-15));
    REQUIRE(pred[7] == 30.0);

    // The left split is made after the right node's children were added, yet the nodes are
    // numbered in pre-order: root, left (3.5) and its leaves, right (7.5) and its leaves.
    p.max_leaf_nodes = 4;
    reg = DecisionTreeRegressor(p);
    reg.fit(X, y);
    REQUIRE(reg.tree().threshold == std::vector<double>{4.5, 3.5, 0, 0, 7.5, 0, 0});
    REQUIRE(reg.tree().left == std::vector<int>{1, 2, -1, -1, 5, -1, -1});
    REQUIRE(reg.tree().right == std::vector<int>{4, 3, -1, -1, 6, -1, -1});
    pred = reg.predict(X);
    REQUIRE(pred[3] == 2.0);
    REQUIRE(pred[4] == Approx(62.0 / 3.0).epsilon(1e-15));
    REQUIRE(reg.tree().validate(1, 1).empty());

    p.max_leaf_nodes = 5;
    reg = DecisionTreeRegressor(p);
    reg.fit(X, y);
    REQUIRE(leaf_count(reg.tree()) == 5);
    REQUIRE(reg.predict(X)[6] == 22.0);
    // More leaves than the data can use: the full tree, same as depth-first growth.
    p.max_leaf_nodes = 100;
    reg = DecisionTreeRegressor(p);
    reg.fit(X, y);
    REQUIRE(reg.tree() == DecisionTreeRegressor().fit(X, y).tree());
}

TEST_CASE("New growth parameters are checked with clear messages", "[tree][ccp][max_leaf_nodes]") {
    const Matrix X = seven();
    DecisionTreeClassifier clf;
    clf.params().ccp_alpha = -0.5;
    REQUIRE_THROWS_WITH(clf.fit(X, seven_y()),
                        ptest::contains("DecisionTreeClassifier: ccp_alpha must be finite "
                                        "and >= 0, got -0.5"));
    clf.params().ccp_alpha = std::numeric_limits<double>::quiet_NaN();
    REQUIRE_THROWS_AS(clf.fit(X, seven_y()), prognos::invalid_argument);
    clf.params().ccp_alpha = 0.0;
    clf.params().max_leaf_nodes = 1;
    REQUIRE_THROWS_WITH(clf.fit(X, seven_y()),
                        ptest::contains("max_leaf_nodes must be >= 2 or -1 (unlimited), got 1"));
    clf.params().max_leaf_nodes = 0;
    REQUIRE_THROWS_AS(clf.fit(X, seven_y()), prognos::invalid_argument);
    DecisionTreeRegressor reg;
    reg.params().max_leaf_nodes = -2;
    REQUIRE_THROWS_WITH(reg.fit(X, reals({1, 2, 3, 4, 5, 6, 7})),
                        ptest::contains("DecisionTreeRegressor: max_leaf_nodes"));
    prognos::RandomForestClassifier forest;
    forest.params().ccp_alpha = -1.0;
    REQUIRE_THROWS_WITH(forest.fit(X, seven_y()),
                        ptest::contains("RandomForestClassifier: ccp_alpha"));
    prognos::RandomForestRegressor rf;
    rf.params().max_leaf_nodes = 1;
    REQUIRE_THROWS_WITH(rf.fit(X, reals({1, 2, 3, 4, 5, 6, 7})),
                        ptest::contains("RandomForestRegressor: max_leaf_nodes"));

    // Loading refuses the same values.
    DecisionTreeClassifier ok;
    ok.fit(X, seven_y());
    auto saved = ptest::save(ok);
    saved["max_leaf_nodes"] = 1;
    REQUIRE_THROWS_WITH(ptest::load<DecisionTreeClassifier>(saved),
                        ptest::contains("max_leaf_nodes"));
    saved = ptest::save(ok);
    saved["ccp_alpha"] = -1.0;
    REQUIRE_THROWS_WITH(ptest::load<DecisionTreeClassifier>(saved), ptest::contains("ccp_alpha"));
}

TEST_CASE("Forest trees are pruned and limited like single trees", "[tree][ccp][forest]") {
    // Without bootstrap and with every feature examined, a forest tree is the decision tree of
    // the same parameters, bit for bit.
    const nlohmann::json fixtures =
        ptest::read_json(std::string(PROGNOS_TEST_DATA_DIR) + "/tree/cart3_fixtures.json");
    const auto& d = fixtures["datasets"][fixtures["cases"][0]["data"].get<std::string>()];
    const Matrix X = ptest::json_matrix(d["X"]);
    const IntVector y = ints(d["y"].get<std::vector<int>>());
    const Vector yr = y.cast<double>();
    for (int variant = 0; variant < 3; ++variant) {
        INFO("variant " << variant);
        const double alpha = variant == 1 ? 0.0 : 0.01;
        const int leaves = variant == 0 ? -1 : 6;
        prognos::RandomForestClassifier::Params fp;
        fp.n_estimators = 2;
        fp.bootstrap = false;
        fp.max_features = MaxFeatures::all();
        fp.ccp_alpha = alpha;
        fp.max_leaf_nodes = leaves;
        fp.n_jobs = 1;
        prognos::RandomForestClassifier forest(fp);
        forest.fit(X, y);
        DecisionTreeClassifier::Params tp;
        tp.ccp_alpha = alpha;
        tp.max_leaf_nodes = leaves;
        DecisionTreeClassifier tree(tp);
        tree.fit(X, y);
        REQUIRE(forest.trees()[0] == tree.tree());
        REQUIRE(forest.trees()[1] == tree.tree());

        prognos::RandomForestRegressor::Params rp;
        rp.n_estimators = 1;
        rp.bootstrap = false;
        rp.ccp_alpha = alpha;
        rp.max_leaf_nodes = leaves;
        rp.n_jobs = 1;
        prognos::RandomForestRegressor rf(rp);
        rf.fit(X, yr);
        DecisionTreeRegressor::Params rtp;
        rtp.ccp_alpha = alpha;
        rtp.max_leaf_nodes = leaves;
        DecisionTreeRegressor rtree(rtp);
        rtree.fit(X, yr);
        REQUIRE(rf.trees()[0] == rtree.tree());

        const auto loaded = ptest::load<prognos::RandomForestClassifier>(ptest::save(forest));
        REQUIRE(loaded.params().ccp_alpha == alpha);
        REQUIRE(loaded.params().max_leaf_nodes == leaves);
        REQUIRE(loaded.predict_proba(X) == forest.predict_proba(X));
    }
}

TEST_CASE("Pruning and best-first trees match scikit-learn fixtures", "[tree][ccp][sklearn]") {
    const nlohmann::json fixtures =
        ptest::read_json(std::string(PROGNOS_TEST_DATA_DIR) + "/tree/cart3_fixtures.json");
    int n_cases = 0;
    for (const auto& c : fixtures["cases"]) {
        const std::string name = c["name"];
        INFO("fixture " << name);
        ++n_cases;
        const auto& d = fixtures["datasets"][c["data"].get<std::string>()];
        const Matrix X = ptest::json_matrix(d["X"]);
        const Matrix Xq = ptest::json_matrix(d["X_test"]);
        const auto& params = c["params"];
        Vector w;
        if (d.contains("sample_weight")) {
            w = reals(d["sample_weight"].get<std::vector<double>>());
        }
        auto apply = [&](auto& p) {
            p.max_depth = params.value("max_depth", -1);
            p.min_samples_leaf = params.value("min_samples_leaf", 1);
            p.ccp_alpha = params.value("ccp_alpha", 0.0);
            p.max_leaf_nodes = params.value("max_leaf_nodes", -1);
        };
        const prognos::FlatTree* tree = nullptr;
        DecisionTreeClassifier clf;
        DecisionTreeRegressor reg;
        prognos::CostComplexityPath path;
        if (c["kind"] == "classifier") {
            apply(clf.params());
            if (params.value("criterion", "gini") == "entropy") {
                clf.params().criterion = DecisionTreeClassifier::Criterion::entropy;
            }
            const IntVector y = ints(d["y"].get<std::vector<int>>());
            clf.fit(X, y, w);
            tree = &clf.tree();
            const IntVector pred = clf.predict(Xq);
            const Matrix proba = clf.predict_proba(Xq);
            const Matrix expected = ptest::json_matrix(c["proba"]);
            for (prognos::Index i = 0; i < Xq.rows(); ++i) {
                REQUIRE(pred[i] == c["predict"][static_cast<std::size_t>(i)].get<int>());
                for (prognos::Index k = 0; k < proba.cols(); ++k) {
                    REQUIRE(proba(i, k) == Approx(expected(i, k)).margin(1e-9));
                }
            }
            if (c.contains("path_alphas")) {
                path = clf.cost_complexity_pruning_path(X, y, w);
            }
        } else {
            apply(reg.params());
            if (params.value("criterion", "squared_error") == "absolute_error") {
                reg.params().criterion = DecisionTreeRegressor::Criterion::absolute_error;
            }
            const Vector y = reals(d["y"].get<std::vector<double>>());
            reg.fit(X, y, w);
            tree = &reg.tree();
            const Vector pred = reg.predict(Xq);
            for (prognos::Index i = 0; i < Xq.rows(); ++i) {
                REQUIRE(pred[i] == Approx(c["predict"][static_cast<std::size_t>(i)].get<double>())
                                       .epsilon(1e-12)
                                       .margin(1e-9));
            }
            if (c.contains("path_alphas")) {
                path = reg.cost_complexity_pruning_path(X, y, w);
            }
        }
        REQUIRE(tree->node_count() == c["node_count"].get<int>());
        REQUIRE(tree->depth() == c["depth"].get<int>());
        REQUIRE(leaf_count(*tree) == c["n_leaves"].get<int>());
        REQUIRE(tree->feature == c["feature"].get<std::vector<int>>());
        REQUIRE(tree->threshold == c["threshold"].get<std::vector<double>>());
        REQUIRE(tree->left == c["left"].get<std::vector<int>>());
        REQUIRE(tree->right == c["right"].get<std::vector<int>>());
        if (c.contains("path_alphas")) {
            const auto alphas = c["path_alphas"].get<std::vector<double>>();
            const auto impurities = c["path_impurities"].get<std::vector<double>>();
            REQUIRE(path.ccp_alphas.size() == alphas.size());
            for (std::size_t k = 0; k < alphas.size(); ++k) {
                REQUIRE(path.ccp_alphas[k] == Approx(alphas[k]).epsilon(1e-9).margin(1e-12));
                REQUIRE(path.impurities[k] == Approx(impurities[k]).epsilon(1e-9).margin(1e-12));
            }
        }
    }
    REQUIRE(n_cases >= 20);
}

TEST_CASE("Absolute error leaves hold weighted medians", "[tree][absolute_error]") {
    DecisionTreeRegressor::Params p;
    p.criterion = DecisionTreeRegressor::Criterion::absolute_error;
    p.min_samples_split = 100; // one leaf: the root
    const Matrix X = col({1, 2, 3, 4, 5});
    DecisionTreeRegressor reg(p);
    // Odd count: median 3; mean absolute deviation (2 + 1 + 0 + 1 + 97) / 5 = 20.2. The
    // squared-error root would predict the mean 22.
    reg.fit(X, reals({1, 2, 3, 4, 100}));
    REQUIRE(reg.predict(X)[0] == 3.0);
    REQUIRE(reg.tree().impurity[0] == Approx(20.2).epsilon(1e-15));

    // Even count: the mean of the two middle values, (2 + 3) / 2; deviation 10 / 4.
    const Matrix X4 = col({1, 2, 3, 4});
    reg.fit(X4, reals({1, 2, 3, 10}));
    REQUIRE(reg.predict(X4)[0] == 2.5);
    REQUIRE(reg.tree().impurity[0] == 2.5);

    // Weights 1 1 1 3: total 6, the running weight reaches half (3) exactly at y = 3, so the
    // median is (3 + 10) / 2 = 6.5; deviation (5.5 + 4.5 + 3.5 + 3 * 3.5) / 6 = 4.
    reg.fit(X4, reals({1, 2, 3, 10}), reals({1, 1, 1, 3}));
    REQUIRE(reg.predict(X4)[0] == 6.5);
    REQUIRE(reg.tree().impurity[0] == Approx(4.0).epsilon(1e-15));
    // Weights 1 1 1 4: half is 3.5, first reached at y = 10, the median; (9 + 8 + 7) / 7.
    reg.fit(X4, reals({1, 2, 3, 10}), reals({1, 1, 1, 4}));
    REQUIRE(reg.predict(X4)[0] == 10.0);
    REQUIRE(reg.tree().impurity[0] == Approx(24.0 / 7.0).epsilon(1e-15));
    // An integer weight acts like repeating the row.
    DecisionTreeRegressor rep(p);
    rep.fit(col({1, 2, 3, 4, 4, 4, 4}), reals({1, 2, 3, 10, 10, 10, 10}));
    REQUIRE(rep.predict(X4)[0] == 10.0);
}

// x = 1..6, y = 8 3 4 7 1 3. Summed absolute deviations from each side's median, per cut:
// 1.5: 0 + 7 ({1 3 3 4 7}, median 3); 2.5: 5 + 7; 3.5: 5 + 6; 4.5: 8 + 2; 5.5: 11 + 0. So
// absolute error cuts at 1.5 (7), while squared error cuts at 4.5 (34 against 41.2 at 1.5). Root
// median (3 + 4) / 2 = 3.5, mean deviation 12 / 6 = 2; right node median 3, mean deviation 7 / 5
// = 1.4.
TEST_CASE("Absolute error picks the cut with the least absolute deviation",
          "[tree][absolute_error]") {
    const Matrix X = col({1, 2, 3, 4, 5, 6});
    const Vector y = reals({8, 3, 4, 7, 1, 3});
    DecisionTreeRegressor::Params p;
    p.max_depth = 1;
    DecisionTreeRegressor mse(p);
    mse.fit(X, y);
    REQUIRE(mse.tree().threshold[0] == 4.5);
    p.criterion = DecisionTreeRegressor::Criterion::absolute_error;
    DecisionTreeRegressor mae(p);
    mae.fit(X, y);
    REQUIRE(mae.tree().threshold[0] == 1.5);
    REQUIRE(mae.tree().impurity == std::vector<double>{2.0, 0.0, 1.4});
    const Vector pred = mae.predict(X);
    REQUIRE(pred[0] == 8.0);
    for (prognos::Index i = 1; i < 6; ++i) {
        REQUIRE(pred[i] == 3.0);
    }
    // The same search through more rows than the histogram cut-over (32): absolute error never
    // uses histograms, so repeating every row 8 times (48 rows) gives the same tree.
    Matrix X8(48, 1);
    Vector y8(48);
    for (prognos::Index i = 0; i < 48; ++i) {
        X8(i, 0) = X(i % 6, 0);
        y8[i] = y[i % 6];
    }
    DecisionTreeRegressor mae8(p);
    mae8.fit(X8, y8);
    REQUIRE(mae8.tree().threshold[0] == 1.5);
    REQUIRE(mae8.tree().impurity[0] == 2.0);

    const auto saved = prognos::io::to_artifact_bytes(mae);
    DecisionTreeRegressor loaded;
    prognos::io::from_artifact_bytes(saved, loaded, "mae tree");
    REQUIRE(loaded.params().criterion == DecisionTreeRegressor::Criterion::absolute_error);
    REQUIRE(loaded.tree() == mae.tree());
    REQUIRE(loaded.predict(X) == mae.predict(X));
    REQUIRE(prognos::io::to_artifact_bytes(loaded) == saved);
    auto bad = ptest::save(mae);
    bad["criterion"] = 2;
    REQUIRE_THROWS_WITH(ptest::load<DecisionTreeRegressor>(bad),
                        ptest::contains("criterion must be 0 (squared_error) or 1"));
}

// x = 1 2 3 NaN NaN, y = 0 0 0 10 11: "present left, missing right" leaves deviations 0 + 1
// (median 10.5), better than any cut between present values (1.5 with missing right: 0 + 21).
TEST_CASE("Absolute error routes missing values", "[tree][absolute_error][missing]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    DecisionTreeRegressor::Params p;
    p.criterion = DecisionTreeRegressor::Criterion::absolute_error;
    p.max_depth = 1;
    DecisionTreeRegressor reg(p);
    reg.fit(col({1, 2, 3, nan, nan}), reals({0, 0, 0, 10, 11}));
    REQUIRE(reg.tree().missing_left[0] == 0);
    REQUIRE(reg.predict_row(&nan) == 10.5);
    const double two = 2.0;
    REQUIRE(reg.predict_row(&two) == 0.0);
}

TEST_CASE("Absolute error works in forests and with the random splitter",
          "[tree][absolute_error][forest]") {
    prognos::Random rng(7);
    Matrix X(60, 3);
    Vector y(60);
    for (prognos::Index i = 0; i < 60; ++i) {
        for (prognos::Index j = 0; j < 3; ++j) {
            X(i, j) = std::floor(rng.uniform01() * 40.0);
        }
        y[i] = X(i, 0) - 2 * X(i, 1) + std::floor(rng.uniform01() * 5.0);
    }
    // Without bootstrap and with every feature, a forest tree is the single tree.
    prognos::RandomForestRegressor::Params fp;
    fp.n_estimators = 1;
    fp.bootstrap = false;
    fp.n_jobs = 1;
    fp.criterion = prognos::RandomForestRegressor::Criterion::absolute_error;
    prognos::RandomForestRegressor forest(fp);
    forest.fit(X, y);
    DecisionTreeRegressor::Params tp;
    tp.criterion = DecisionTreeRegressor::Criterion::absolute_error;
    DecisionTreeRegressor tree(tp);
    tree.fit(X, y);
    REQUIRE(forest.trees()[0] == tree.tree());
    // Fully grown on distinct rows: every leaf holds equal targets, so training rows are
    // predicted exactly (a leaf's median of equal values is that value).
    REQUIRE(tree.predict(X) == y);

    // Extremely randomized: a sound tree, reproducible for a seed, exact on training rows.
    tp.splitter = prognos::Splitter::random;
    tp.max_features = MaxFeatures::count(2);
    tp.seed = 3;
    DecisionTreeRegressor extra(tp);
    extra.fit(X, y);
    DecisionTreeRegressor again(tp);
    again.fit(X, y);
    REQUIRE(extra.tree() == again.tree());
    REQUIRE(extra.tree().validate(1, 3).empty());
    REQUIRE(extra.predict(X) == y);
    const auto loaded = ptest::load<prognos::RandomForestRegressor>(ptest::save(forest));
    REQUIRE(loaded.params().criterion == prognos::RandomForestRegressor::Criterion::absolute_error);
    REQUIRE(loaded.predict(X) == forest.predict(X));
}

// An integer sample weight must act exactly like repeating the row: same medians, same
// deviations, so the same tree. Integer targets keep every sum exact, so even tied candidate
// splits are met in the same order with the same values.
TEST_CASE("Weighted absolute error equals repeated rows", "[tree][absolute_error][weights]") {
    prognos::Random rng(11);
    const prognos::Index n = 40;
    Matrix X(n, 2);
    Vector y(n);
    Vector w(n);
    prognos::Index total = 0;
    for (prognos::Index i = 0; i < n; ++i) {
        X(i, 0) = static_cast<double>(rng.uniform_index(20));
        X(i, 1) = static_cast<double>(rng.uniform_index(7));
        y[i] = static_cast<double>(rng.uniform_index(21));
        w[i] = static_cast<double>(1 + rng.uniform_index(3));
        total += static_cast<prognos::Index>(w[i]);
    }
    Matrix Xr(total, 2);
    Vector yr(total);
    prognos::Index k = 0;
    for (prognos::Index i = 0; i < n; ++i) {
        for (int c = 0; c < static_cast<int>(w[i]); ++c, ++k) {
            Xr.row(k) = X.row(i);
            yr[k] = y[i];
        }
    }
    DecisionTreeRegressor::Params p;
    p.criterion = DecisionTreeRegressor::Criterion::absolute_error;
    DecisionTreeRegressor weighted(p);
    weighted.fit(X, y, w);
    DecisionTreeRegressor repeated(p);
    repeated.fit(Xr, yr);
    REQUIRE(weighted.tree().feature == repeated.tree().feature);
    REQUIRE(weighted.tree().threshold == repeated.tree().threshold);
    REQUIRE(weighted.tree().values == repeated.tree().values);
    REQUIRE(weighted.tree().impurity == repeated.tree().impurity);
    REQUIRE(weighted.node_count() > 9);
}
