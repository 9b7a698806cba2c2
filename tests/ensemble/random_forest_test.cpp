// SPDX-License-Identifier: Apache-2.0
#include <prognos/core/random.hpp>
#include <prognos/ensemble.hpp>
#include <prognos/io/artifact.hpp>
#include <prognos/tree.hpp>

#include <atomic>
#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "tree/tree_test_support.hpp"

using prognos::IntVector;
using prognos::Matrix;
using prognos::MaxFeatures;
using prognos::RandomForestClassifier;
using prognos::RandomForestRegressor;
using prognos::Vector;

namespace {

struct Labelled {
    Matrix X;
    IntVector y;
};

// Case 013's file: f1, f2, f3, label.
Labelled case013() {
    const Matrix data = ptest::read_numeric_csv(std::string(PROGNOS_TEST_DATA_DIR) +
                                                    "/cases/013-forest-seed-thread-count/input.csv",
                                                nullptr);
    return {data.leftCols(3), data.col(3).cast<int>()};
}

RandomForestClassifier case013_forest(int n_jobs, std::uint64_t seed) {
    RandomForestClassifier::Params p;
    p.n_estimators = 25;
    p.bootstrap = true;
    p.max_features = MaxFeatures::sqrt(); // 1 of 3 features per split
    p.seed = seed;
    p.n_jobs = n_jobs;
    return RandomForestClassifier(p);
}

double accuracy(const IntVector& a, const IntVector& b) {
    return static_cast<double>((a.array() == b.array()).count()) / static_cast<double>(a.size());
}

} // namespace

TEST_CASE("Case 013 forest is bit-identical across thread counts and runs", "[ensemble][forest]") {
    const Labelled d = case013();
    REQUIRE(d.X.rows() == 40);
    RandomForestClassifier reference = case013_forest(1, 42);
    reference.fit(d.X, d.y);
    const Matrix proba = reference.predict_proba(d.X);
    const IntVector labels = reference.predict(d.X);
    const std::string saved = prognos::io::to_artifact_bytes(reference);
    for (int n_jobs : {1, 2, 4, 8}) {
        for (int run = 0; run < 2; ++run) {
            INFO("n_jobs " << n_jobs << " run " << run);
            RandomForestClassifier forest = case013_forest(n_jobs, 42);
            forest.fit(d.X, d.y);
            // Exact comparison on purpose: bit-identical, not approximately equal.
            REQUIRE(forest.predict_proba(d.X) == proba);
            REQUIRE(forest.predict(d.X) == labels);
            REQUIRE(forest.trees() == reference.trees());
            // The saved artifact, byte for byte (n_jobs is not part of it).
            REQUIRE(prognos::io::to_artifact_bytes(forest) == saved);
        }
    }
    RandomForestClassifier other = case013_forest(4, 43);
    other.fit(d.X, d.y);
    REQUIRE(other.trees() != reference.trees());
    REQUIRE(other.predict_proba(d.X) != proba);
    REQUIRE(prognos::io::to_artifact_bytes(other) != saved);

    // The artifact loads back to the same probabilities, bit for bit.
    RandomForestClassifier loaded;
    prognos::io::from_artifact_bytes(saved, loaded, "case013");
    REQUIRE(loaded.predict_proba(d.X) == proba);
}

TEST_CASE("Each tree depends only on the seed and its index", "[ensemble][forest]") {
    // Tree t of a 25-tree forest equals tree t of a 5-tree forest with the same seed: its
    // random stream is Random(seed, t), not a share of one stream handed out in order.
    const Labelled d = case013();
    RandomForestClassifier big = case013_forest(2, 42);
    RandomForestClassifier small = case013_forest(1, 42);
    small.params().n_estimators = 5;
    big.fit(d.X, d.y);
    small.fit(d.X, d.y);
    for (std::size_t t = 0; t < 5; ++t) {
        REQUIRE(small.trees()[t] == big.trees()[t]);
    }
}

TEST_CASE("Forest single-row and batch predictions agree to the bit", "[ensemble][forest]") {
    const Labelled d = case013();
    RandomForestClassifier forest = case013_forest(2, 7);
    forest.fit(d.X, d.y);
    const Matrix proba = forest.predict_proba(d.X);
    const IntVector labels = forest.predict(d.X);
    double row[3];
    double out[2];
    for (prognos::Index i = 0; i < d.X.rows(); ++i) {
        for (int j = 0; j < 3; ++j) {
            row[j] = d.X(i, j);
        }
        forest.predict_proba_row(row, out);
        REQUIRE(out[0] == proba(i, 0));
        REQUIRE(out[1] == proba(i, 1));
        REQUIRE(forest.predict_row(row) == labels[i]);
        REQUIRE(out[0] + out[1] == Approx(1.0));
    }
}

TEST_CASE("Forest probabilities are the mean of its trees in tree order", "[ensemble][forest]") {
    const Labelled d = case013();
    RandomForestClassifier forest = case013_forest(1, 3);
    forest.fit(d.X, d.y);
    const double* x = nullptr;
    std::vector<double> row(3);
    for (int j = 0; j < 3; ++j) {
        row[static_cast<std::size_t>(j)] = d.X(5, j);
    }
    x = row.data();
    double sum0 = 0.0;
    for (const auto& tree : forest.trees()) {
        sum0 += tree.leaf_values(x)[0];
    }
    double out[2];
    forest.predict_proba_row(x, out);
    REQUIRE(out[0] == sum0 / 25.0);
}

TEST_CASE("Forest trees send a value equal to a threshold left", "[ensemble][forest]") {
    // Case 010 for forests: in pre-order numbering the left subtree of the root holds the
    // nodes [left[0], right[0]), so a query at the root threshold must end there.
    const Matrix data = ptest::read_numeric_csv(
        std::string(PROGNOS_TEST_DATA_DIR) + "/cases/010-tree-value-equal-to-threshold/input.csv",
        nullptr);
    RandomForestClassifier::Params p;
    p.n_estimators = 50;
    p.seed = 1;
    RandomForestClassifier forest(p);
    forest.fit(data.leftCols(1), data.col(1).cast<int>());
    int split_roots = 0;
    for (const auto& tree : forest.trees()) {
        if (tree.feature[0] < 0) {
            continue;
        }
        ++split_roots;
        const double t = tree.threshold[0];
        const int leaf = tree.find_leaf(&t);
        REQUIRE(leaf >= tree.left[0]);
        REQUIRE(leaf < tree.right[0]);
    }
    REQUIRE(split_roots > 40);
}

TEST_CASE("Forest accuracy is close to scikit-learn's on the same data",
          "[ensemble][forest][sklearn]") {
    const nlohmann::json fx =
        ptest::read_json(std::string(PROGNOS_TEST_DATA_DIR) + "/tree/forest_fixtures.json");
    {
        const auto& c = fx["classification"];
        const Matrix X = ptest::json_matrix(c["X"]);
        const std::vector<int> yv = c["y"];
        const IntVector y = Eigen::Map<const IntVector>(yv.data(), X.rows());
        const auto n_train = c["n_train"].get<prognos::Index>();
        RandomForestClassifier forest;
        forest.params().seed = 0;
        forest.fit(X.topRows(n_train), y.head(n_train));
        const double acc =
            accuracy(forest.predict(X.bottomRows(X.rows() - n_train)), y.tail(X.rows() - n_train));
        // scikit-learn's accuracy over five seeds, by gen_tree_fixtures.py; a forest built the
        // same way but with other random draws lands within a few test rows of it.
        CHECK(acc >= c["sklearn_accuracy_min"].get<double>() - 0.03);
        CHECK(acc <= c["sklearn_accuracy_max"].get<double>() + 0.03);
    }
    {
        const auto& c = fx["regression"];
        const Matrix X = ptest::json_matrix(c["X"]);
        const std::vector<double> yv = c["y"];
        const Vector y = Eigen::Map<const Vector>(yv.data(), X.rows());
        const auto n_train = c["n_train"].get<prognos::Index>();
        RandomForestRegressor forest;
        forest.fit(X.topRows(n_train), y.head(n_train));
        const Vector pred = forest.predict(X.bottomRows(X.rows() - n_train));
        const Vector truth = y.tail(X.rows() - n_train);
        const double ss_res = (pred - truth).squaredNorm();
        const double ss_tot = (truth.array() - truth.mean()).matrix().squaredNorm();
        const double r2 = 1.0 - ss_res / ss_tot;
        CHECK(r2 >= c["sklearn_r2_min"].get<double>() - 0.02);
        CHECK(r2 <= c["sklearn_r2_max"].get<double>() + 0.02);
    }
}

TEST_CASE("Regression forest without bootstrap and with all features repeats one tree",
          "[ensemble][forest]") {
    // With no random draw left, every tree is the single DecisionTreeRegressor of the data.
    prognos::Random rng(3);
    Matrix X(60, 3);
    Vector y(60);
    for (prognos::Index i = 0; i < 60; ++i) {
        for (prognos::Index j = 0; j < 3; ++j) {
            X(i, j) = rng.uniform01();
        }
        y[i] = 3 * X(i, 0) - X(i, 2) + 0.1 * rng.uniform01();
    }
    RandomForestRegressor::Params p;
    p.n_estimators = 4;
    p.bootstrap = false;
    RandomForestRegressor forest(p);
    forest.fit(X, y);
    prognos::DecisionTreeRegressor tree;
    tree.fit(X, y);
    for (const auto& t : forest.trees()) {
        REQUIRE(t == tree.tree());
    }
    // Four equal values summed and divided by four: exact.
    REQUIRE(forest.predict(X) == tree.predict(X));
    REQUIRE(forest.predict_row(X.data()) == tree.predict_row(X.data()));
}

TEST_CASE("Progress is reported from the calling thread only", "[ensemble][forest]") {
    const Labelled d = case013();
    RandomForestClassifier forest = case013_forest(4, 42);
    const std::thread::id caller = std::this_thread::get_id();
    std::atomic<int> inside{0};
    bool overlapped = false;
    bool other_thread = false;
    std::vector<std::size_t> done;
    forest.params().progress = [&](const prognos::ProgressEvent& e) {
        if (inside.fetch_add(1) != 0) {
            overlapped = true;
        }
        other_thread = other_thread || std::this_thread::get_id() != caller;
        REQUIRE(e.estimator == "RandomForestClassifier");
        REQUIRE(e.stage == "trees");
        REQUIRE(e.total == 25);
        done.push_back(e.done);
        inside.fetch_sub(1);
    };
    forest.fit(d.X, d.y);
    REQUIRE_FALSE(overlapped);
    REQUIRE_FALSE(other_thread);
    REQUIRE_FALSE(done.empty());
    REQUIRE(done.back() == 25);
    for (std::size_t k = 1; k < done.size(); ++k) {
        REQUIRE(done[k] > done[k - 1]);
    }
    // The callback shapes nothing: the same forest as without it.
    RandomForestClassifier plain = case013_forest(1, 42);
    plain.fit(d.X, d.y);
    REQUIRE(plain.trees() == forest.trees());
}

TEST_CASE("Case 015 single-class training gives a constant forest", "[ensemble][forest]") {
    // Same documented behaviour as DecisionTreeClassifier: one class, probability 1.0.
    const Matrix X = ptest::read_case015_features();
    REQUIRE(X.rows() == 12);
    const IntVector y = IntVector::Constant(12, 3);
    RandomForestClassifier forest;
    forest.params().n_estimators = 10;
    forest.fit(X, y);
    REQUIRE(forest.classes().size() == 1);
    REQUIRE(forest.classes()[0] == 3);
    for (const auto& tree : forest.trees()) {
        REQUIRE(tree.node_count() == 1);
    }
    Matrix q(2, 2);
    q << -100, 0, 70, 0.1;
    const Matrix proba = forest.predict_proba(q);
    REQUIRE(proba.cols() == 1);
    REQUIRE(proba(0, 0) == 1.0);
    REQUIRE(proba(1, 0) == 1.0);
    REQUIRE(forest.predict(q) == IntVector::Constant(2, 3));
    double out = 0.0;
    forest.predict_proba_row(q.data(), &out);
    REQUIRE(out == 1.0);
}

TEST_CASE("Forest parameters are checked at fit with clear messages", "[ensemble][forest]") {
    const Labelled d = case013();
    RandomForestClassifier forest;
    forest.params().n_estimators = 0;
    REQUIRE_THROWS_WITH(
        forest.fit(d.X, d.y),
        ptest::contains("RandomForestClassifier: n_estimators must be >= 1, got 0"));
    forest.params().n_estimators = 5;
    forest.params().n_jobs = -4;
    REQUIRE_THROWS_WITH(forest.fit(d.X, d.y), ptest::contains("n_jobs must be positive, 0 or -1"));
    forest.params().n_jobs = 1;
    forest.params().max_features = MaxFeatures::count(4);
    REQUIRE_THROWS_WITH(
        forest.fit(d.X, d.y),
        ptest::contains("RandomForestClassifier: max_features must be in [1, n_features = 3], got "
                        "count(4)"));
    forest.params().max_features = MaxFeatures::sqrt();
    forest.params().max_depth = -2;
    REQUIRE_THROWS_WITH(forest.fit(d.X, d.y), ptest::contains("max_depth must be >= 1 or -1"));
    REQUIRE_FALSE(forest.is_fitted());

    RandomForestRegressor reg;
    reg.params().min_samples_split = 0;
    REQUIRE_THROWS_WITH(
        reg.fit(d.X, d.y.cast<double>()),
        ptest::contains("RandomForestRegressor: min_samples_split must be >= 2, got 0"));

    Matrix bad = d.X;
    bad(3, 2) = std::numeric_limits<double>::infinity();
    forest.params().max_depth = -1;
    REQUIRE_THROWS_WITH(
        forest.fit(bad, d.y),
        ptest::contains("RandomForestClassifier::fit: row 3 (the 4th), feature 2 is +infinity"));
    forest.fit(d.X, d.y);
    REQUIRE_THROWS_AS(forest.predict(bad), prognos::bad_value);
    REQUIRE_THROWS_AS(forest.predict_row(bad.row(3).eval().data()), prognos::bad_value);
    REQUIRE_THROWS_AS(forest.predict(Matrix::Zero(2, 4)), prognos::invalid_argument);
    REQUIRE_THROWS_AS(RandomForestRegressor().predict(d.X), prognos::not_fitted);
}

TEST_CASE("Forest serialization round-trips and rejects damaged forests",
          "[ensemble][forest][io]") {
    const Labelled d = case013();
    RandomForestClassifier forest = case013_forest(2, 42);
    forest.params().n_estimators = 6;
    forest.fit(d.X, d.y);
    const nlohmann::json saved = ptest::save(forest);
    REQUIRE_FALSE(saved.contains("n_jobs"));
    const auto loaded = ptest::load<RandomForestClassifier>(saved);
    REQUIRE(loaded.trees() == forest.trees());
    REQUIRE(loaded.predict_proba(d.X) == forest.predict_proba(d.X));
    REQUIRE(loaded.params().max_features == MaxFeatures::sqrt());

    auto bad = saved;
    bad["n_estimators"] = 7;
    REQUIRE_THROWS_WITH(ptest::load<RandomForestClassifier>(bad),
                        ptest::contains("n_estimators must equal the number of stored trees"));
    bad = saved;
    bad["trees"][2]["left"][0] = 1000;
    REQUIRE_THROWS_WITH(ptest::load<RandomForestClassifier>(bad), ptest::contains("tree 2"));
    bad = saved;
    bad["n_features"] = 2;
    REQUIRE_THROWS_AS(ptest::load<RandomForestClassifier>(bad), prognos::parse_error);
    bad = saved;
    bad["max_features"]["kind"] = 9;
    REQUIRE_THROWS_AS(ptest::load<RandomForestClassifier>(bad), prognos::parse_error);

    RandomForestRegressor reg;
    reg.params().n_estimators = 3;
    reg.fit(d.X, d.y.cast<double>());
    const auto reg_loaded = ptest::load<RandomForestRegressor>(ptest::save(reg));
    REQUIRE(reg_loaded.predict(d.X) == reg.predict(d.X));
    auto reg_bad = ptest::save(reg);
    reg_bad["trees"][0]["values"] = std::vector<double>{1.0};
    REQUIRE_THROWS_AS(ptest::load<RandomForestRegressor>(reg_bad), prognos::parse_error);
}

TEST_CASE("Regression forest fits a smooth target", "[ensemble][forest]") {
    // y = x0^2 on a grid: a forest of deep trees interpolates it closely; error bound from the
    // grid step (0.01) times the slope (< 2): any leaf mean is within ~0.05 of the truth.
    Matrix X(101, 1);
    Vector y(101);
    for (int i = 0; i <= 100; ++i) {
        X(i, 0) = i / 100.0;
        y[i] = X(i, 0) * X(i, 0);
    }
    RandomForestRegressor forest;
    forest.params().n_estimators = 20;
    forest.fit(X, y);
    const Vector pred = forest.predict(X);
    REQUIRE((pred - y).cwiseAbs().maxCoeff() < 0.05);
}
