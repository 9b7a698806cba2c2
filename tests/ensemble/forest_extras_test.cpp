// SPDX-License-Identifier: Apache-2.0
// Forests with missing values and weights, OOB estimates, importances, warm start, thread
// counts and concurrent prediction.

#include <prognos/core/random.hpp>
#include <prognos/ensemble.hpp>
#include <prognos/io/artifact.hpp>
#include <prognos/tree.hpp>

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "tree/tree_test_support.hpp"

using prognos::ClassWeight;
using prognos::IntVector;
using prognos::Matrix;
using prognos::RandomForestClassifier;
using prognos::RandomForestRegressor;
using prognos::Vector;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Labelled {
    Matrix X;
    IntVector y;
};

// n rows of 5 uniform features; the label is feature 2 > 0.5, flipped for `noise` of the
// rows; `missing` of the entries of feature 0 are NaN.
Labelled planted(int n, std::uint64_t seed, double noise = 0.1, double missing = 0.0) {
    prognos::Random rng(seed);
    Labelled d{Matrix(n, 5), IntVector(n)};
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < 5; ++j) {
            d.X(i, j) = rng.uniform01();
        }
        d.y[i] = (d.X(i, 2) > 0.5) != (rng.uniform01() < noise);
        if (rng.uniform01() < missing) {
            d.X(i, 0) = kNaN;
        }
    }
    return d;
}

double accuracy(const IntVector& a, const IntVector& b) {
    return static_cast<double>((a.array() == b.array()).count()) / static_cast<double>(a.size());
}

RandomForestClassifier forest(int n_trees, int n_jobs) {
    RandomForestClassifier::Params p;
    p.n_estimators = n_trees;
    p.n_jobs = n_jobs;
    p.seed = 42;
    return RandomForestClassifier(p);
}

} // namespace

TEST_CASE("Forests are bit-identical for 1 2 and 8 threads with NaN and weights",
          "[ensemble][forest][threads]") {
    // More than 128 rows per node near the root, so the histogram search is exercised too.
    const Labelled d = planted(600, 1, 0.1, 0.3);
    Vector w(600);
    for (int i = 0; i < 600; ++i) {
        w[i] = 1.0 + (i % 3);
    }
    RandomForestClassifier one = forest(12, 1);
    one.params().class_weight = ClassWeight::balanced();
    one.fit(d.X, d.y, w);
    for (int jobs : {2, 8}) {
        RandomForestClassifier other = forest(12, jobs);
        other.params().class_weight = ClassWeight::balanced();
        other.fit(d.X, d.y, w);
        REQUIRE(other.trees() == one.trees());
        REQUIRE(other.predict_proba(d.X) == one.predict_proba(d.X));
    }
}

TEST_CASE("Concurrent predict from 8 threads equals serial predict",
          "[ensemble][forest][threads]") {
    const Labelled d = planted(400, 2, 0.1, 0.2);
    RandomForestClassifier f = forest(20, 2);
    f.fit(d.X, d.y);
    const Matrix serial = f.predict_proba(d.X);
    std::vector<int> serial_rows(static_cast<std::size_t>(d.X.rows()));
    const prognos::detail::RowMajorMatrix R = d.X;
    for (prognos::Index i = 0; i < d.X.rows(); ++i) {
        serial_rows[static_cast<std::size_t>(i)] = f.predict_row(R.data() + i * R.cols());
    }
    std::vector<Matrix> batch(8);
    std::vector<std::vector<int>> rows(8);
    std::vector<std::thread> pool;
    for (int t = 0; t < 8; ++t) {
        pool.emplace_back([&, t] {
            batch[static_cast<std::size_t>(t)] = f.predict_proba(d.X);
            for (prognos::Index i = 0; i < d.X.rows(); ++i) {
                rows[static_cast<std::size_t>(t)].push_back(f.predict_row(R.data() + i * R.cols()));
            }
        });
    }
    for (auto& th : pool) {
        th.join();
    }
    for (int t = 0; t < 8; ++t) {
        REQUIRE(batch[static_cast<std::size_t>(t)] == serial);
        REQUIRE(rows[static_cast<std::size_t>(t)] == serial_rows);
    }
}

TEST_CASE("Forest single-row and batch agree on rows with missing values",
          "[ensemble][forest][missing]") {
    const Labelled d = planted(300, 3, 0.05, 0.5);
    RandomForestClassifier f = forest(15, 1);
    f.fit(d.X, d.y);
    const Matrix proba = f.predict_proba(d.X);
    const prognos::detail::RowMajorMatrix R = d.X;
    double out[2];
    for (prognos::Index i = 0; i < d.X.rows(); ++i) {
        f.predict_proba_row(R.data() + i * R.cols(), out);
        REQUIRE(out[0] == proba(i, 0));
        REQUIRE(out[1] == proba(i, 1));
    }
    // Feature 2 carries the label, so a row missing only feature 0 still predicts well.
    REQUIRE(accuracy(f.predict(d.X), d.y) > 0.9);
    // Artifact round trip keeps the directions: predictions equal bit for bit.
    RandomForestClassifier loaded;
    prognos::io::from_artifact_bytes(prognos::io::to_artifact_bytes(f), loaded, "forest");
    REQUIRE(loaded.predict_proba(d.X) == proba);
    REQUIRE(loaded.trees() == f.trees());
}

TEST_CASE("A value missing only at predict time is handled by the forest",
          "[ensemble][forest][missing]") {
    const Labelled d = planted(300, 4);
    RandomForestClassifier f = forest(15, 1);
    f.fit(d.X, d.y);
    // Missing the informative feature: the forest still answers with valid probabilities.
    double row[5] = {0.5, 0.5, kNaN, 0.5, 0.5};
    double out[2];
    f.predict_proba_row(row, out);
    REQUIRE(out[0] + out[1] == Approx(1.0));
    // Missing an uninformative feature: the informative one still decides.
    double clear[5] = {kNaN, 0.5, 0.95, 0.5, 0.5};
    REQUIRE(f.predict_row(clear) == 1);
    clear[2] = 0.05;
    REQUIRE(f.predict_row(clear) == 0);
}

TEST_CASE("Balanced forest equals explicit inverse-frequency weights", "[ensemble][forest]") {
    Labelled d = planted(200, 5);
    // Make class 1 rare: 20 of 200.
    int ones = 0;
    for (int i = 0; i < 200; ++i) {
        if (d.y[i] == 1 && ++ones > 20) {
            d.y[i] = 0;
        }
    }
    ones = static_cast<int>(d.y.sum());
    RandomForestClassifier balanced = forest(10, 1);
    balanced.params().class_weight = ClassWeight::balanced();
    balanced.fit(d.X, d.y);
    RandomForestClassifier manual = forest(10, 1);
    manual.params().class_weight = ClassWeight::explicit_weights(
        {{0, 200.0 / (2.0 * (200 - ones))}, {1, 200.0 / (2.0 * ones)}});
    manual.fit(d.X, d.y);
    REQUIRE(manual.trees() == balanced.trees());
}

TEST_CASE("OOB score is close to a held-out score", "[ensemble][forest][oob]") {
    const Labelled train = planted(1000, 6, 0.1);
    const Labelled test = planted(2000, 7, 0.1);
    RandomForestClassifier f = forest(60, 2);
    f.params().oob_score = true;
    f.fit(train.X, train.y);
    const double held_out = accuracy(f.predict(test.X), test.y);
    // With 10% label noise both estimate about 0.9; 1000 OOB rows have a standard error of
    // about 0.01, so 0.04 is a generous band.
    REQUIRE(std::abs(f.oob_score() - held_out) < 0.04);
    REQUIRE(f.oob_decision_function().rows() == 1000);
    // With 60 trees a row is left out by about 60 * e^-1 = 22 of them: none are NaN.
    REQUIRE(f.oob_decision_function().allFinite());

    RandomForestRegressor::Params rp;
    rp.n_estimators = 40;
    rp.oob_score = true;
    RandomForestRegressor reg(rp);
    Vector y = train.X.col(2) * 3.0;
    reg.fit(train.X, y);
    REQUIRE(reg.oob_score() > 0.9);
    REQUIRE(reg.oob_prediction().size() == 1000);

    RandomForestClassifier no_bootstrap = forest(5, 1);
    no_bootstrap.params().oob_score = true;
    no_bootstrap.params().bootstrap = false;
    REQUIRE_THROWS_WITH(no_bootstrap.fit(train.X, train.y),
                        ptest::contains("oob_score = true needs bootstrap = true"));
}

TEST_CASE("Importances rank the planted informative feature first",
          "[ensemble][forest][importance]") {
    const Labelled d = planted(600, 8, 0.05);
    RandomForestClassifier f = forest(30, 2);
    f.fit(d.X, d.y);
    const Vector imp = f.feature_importances();
    REQUIRE(imp.sum() == Approx(1.0));
    prognos::Index best = 0;
    imp.maxCoeff(&best);
    REQUIRE(best == 2);
    const Labelled test = planted(600, 9, 0.05);
    const Vector perm = f.permutation_importances(test.X, test.y, 3, 1);
    perm.maxCoeff(&best);
    REQUIRE(best == 2);
    // Shuffling the label's feature costs about half the accuracy (0.95 -> about 0.5).
    REQUIRE(perm[2] > 0.3);

    RandomForestRegressor::Params rp;
    rp.n_estimators = 20;
    RandomForestRegressor reg(rp);
    reg.fit(d.X, Vector(d.X.col(3) * 2.0));
    reg.feature_importances().maxCoeff(&best);
    REQUIRE(best == 3);
    reg.permutation_importances(d.X, Vector(d.X.col(3) * 2.0), 2).maxCoeff(&best);
    REQUIRE(best == 3);
}

TEST_CASE("Warm start grows exactly the trees a full fit would", "[ensemble][forest]") {
    const Labelled d = planted(200, 10);
    RandomForestClassifier full = forest(20, 2);
    full.fit(d.X, d.y);
    RandomForestClassifier warm = forest(8, 1);
    warm.params().warm_start = true;
    warm.fit(d.X, d.y);
    warm.params().n_estimators = 20;
    warm.fit(d.X, d.y);
    REQUIRE(warm.trees() == full.trees());
    warm.params().n_estimators = 10;
    REQUIRE_THROWS_WITH(warm.fit(d.X, d.y), ptest::contains("cannot shrink the forest"));
}

TEST_CASE("Extra trees and min_impurity_decrease in forests", "[ensemble][forest]") {
    const Labelled d = planted(300, 12, 0.0);
    RandomForestClassifier extra = forest(20, 1);
    extra.params().splitter = prognos::Splitter::random;
    extra.params().bootstrap = false;
    extra.fit(d.X, d.y);
    REQUIRE(accuracy(extra.predict(d.X), d.y) == 1.0);
    const auto loaded = ptest::load<RandomForestClassifier>(ptest::save(extra));
    REQUIRE(loaded.params().splitter == prognos::Splitter::random);
    REQUIRE(loaded.predict_proba(d.X) == extra.predict_proba(d.X));

    // A huge minimum decrease leaves every tree a single leaf.
    RandomForestClassifier stumps = forest(5, 1);
    stumps.params().min_impurity_decrease = 10.0;
    stumps.fit(d.X, d.y);
    for (const auto& t : stumps.trees()) {
        REQUIRE(t.node_count() == 1);
    }
}
