// SPDX-License-Identifier: Apache-2.0
// Forest batch prediction against an independent reference: every probability the batch path
// returns must equal, bit for bit, the sum in tree order of the leaf values found by walking the
// plain node arrays (feature, threshold, left, right, missing_left; not the packed nodes the
// fast paths use), divided once by the number of trees. Covered: the bundled AI4I data, blocks
// of rows with and without missing values mixed, row counts that leave partial lane groups and
// several blocks per thread, thread counts, the regressor, and concurrent callers.

#include <prognos/core/random.hpp>
#include <prognos/data/csv.hpp>
#include <prognos/data/labels.hpp>
#include <prognos/ensemble.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "support/catch.hpp"

using prognos::FlatTree;
using prognos::Index;
using prognos::IntVector;
using prognos::Matrix;
using prognos::RandomForestClassifier;
using prognos::RandomForestRegressor;
using prognos::Vector;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// The leaf of row x by the plain arrays and the documented rule: `x <= threshold` goes left, a
// missing value goes where missing_left says.
int reference_leaf(const FlatTree& t, const double* x) {
    std::size_t i = 0;
    while (t.feature[i] >= 0) {
        const double v = x[t.feature[i]];
        const bool left = std::isnan(v) ? t.missing_left[i] != 0 : v <= t.threshold[i];
        i = static_cast<std::size_t>(left ? t.left[i] : t.right[i]);
    }
    return static_cast<int>(i);
}

// Mean leaf values of the trees for every row of X, summed in tree order.
Matrix reference_average(const std::vector<FlatTree>& trees, const Matrix& X, Index width) {
    Matrix out = Matrix::Zero(X.rows(), width);
    std::vector<double> row(static_cast<std::size_t>(X.cols()));
    for (Index i = 0; i < X.rows(); ++i) {
        for (Index j = 0; j < X.cols(); ++j) {
            row[static_cast<std::size_t>(j)] = X(i, j);
        }
        for (const FlatTree& t : trees) {
            const auto leaf = static_cast<std::size_t>(reference_leaf(t, row.data()));
            for (Index c = 0; c < width; ++c) {
                out(i, c) +=
                    t.values[leaf * static_cast<std::size_t>(width) + static_cast<std::size_t>(c)];
            }
        }
    }
    return out / static_cast<double>(trees.size());
}

struct Ai4i {
    Matrix X;
    IntVector y;
};

// The bundled AI4I 2020 file: its five numeric sensor columns and the failure label.
const Ai4i& ai4i() {
    static const Ai4i data = [] {
        const prognos::Table t = prognos::read_csv(std::string(PROGNOS_TEST_DATA_DIR) +
                                                   "/../../examples/data/ai4i2020.csv");
        const prognos::Table features = t.select({"Air temperature [K]",
                                                  "Process temperature [K]",
                                                  "Rotational speed [rpm]",
                                                  "Torque [Nm]",
                                                  "Tool wear [min]"});
        return Ai4i{features.to_matrix(),
                    prognos::labels_from_column(t.column(std::string_view{"Machine failure"})).y};
    }();
    return data;
}

RandomForestClassifier classifier(int n_trees, int n_jobs) {
    RandomForestClassifier::Params p;
    p.n_estimators = n_trees;
    p.n_jobs = n_jobs;
    p.seed = 11;
    return RandomForestClassifier(p);
}

// Row i of X has its feature 0 missing when i % 24 == 2 and feature 3 when i % 37 == 0, so
// some groups of eight consecutive rows hold no missing value and others hold one or more.
Matrix with_holes(Matrix X) {
    for (Index i = 0; i < X.rows(); ++i) {
        if (i % 24 == 2) {
            X(i, 0) = kNaN;
        }
        if (i % 37 == 0) {
            X(i, 3) = kNaN;
        }
    }
    return X;
}

} // namespace

TEST_CASE("Forest batch predict on AI4I equals the reference walk to the bit",
          "[ensemble][forest][predict]") {
    const Ai4i& d = ai4i();
    REQUIRE(d.X.rows() == 10000);
    RandomForestClassifier f = classifier(20, 2);
    f.fit(d.X, d.y);
    const Matrix expected = reference_average(f.trees(), d.X, f.n_classes());
    for (int jobs : {1, 2, 3}) {
        f.params().n_jobs = jobs;
        REQUIRE(f.predict_proba(d.X) == expected);
    }
    // Row counts that leave a partial group of eight at the end of a block.
    for (Index n : {1, 7, 9, 4099}) {
        REQUIRE(f.predict_proba(d.X.topRows(n)) == expected.topRows(n));
    }
    // Single rows agree with the batch.
    const prognos::detail::RowMajorMatrix R = d.X;
    double out[2];
    for (Index i = 0; i < d.X.rows(); i += 7) {
        f.predict_proba_row(R.data() + i * R.cols(), out);
        REQUIRE(out[0] == expected(i, 0));
        REQUIRE(out[1] == expected(i, 1));
    }
}

TEST_CASE("Forest batch predict mixes rows with and without missing values exactly",
          "[ensemble][forest][predict][missing]") {
    const Ai4i& d = ai4i();
    const Matrix train = with_holes(d.X.topRows(3000));
    RandomForestClassifier f = classifier(15, 2);
    f.fit(train, d.y.head(3000));
    const Matrix test = with_holes(d.X.bottomRows(2001));
    const Matrix expected = reference_average(f.trees(), test, f.n_classes());
    REQUIRE(f.predict_proba(test) == expected);
    // The same rows without holes take the step without the missing-value rule.
    const Matrix full = d.X.bottomRows(2001);
    REQUIRE(f.predict_proba(full) == reference_average(f.trees(), full, f.n_classes()));
}

TEST_CASE("Regression forest batch predict equals the reference walk and predict_row",
          "[ensemble][forest][predict]") {
    const Ai4i& d = ai4i();
    const Matrix X = with_holes(d.X.topRows(2500));
    // Target: torque, from the other four columns (0, 1, 2 and 4); the holes stay in.
    Matrix features(X.rows(), 4);
    features << X.col(0), X.col(1), X.col(2), X.col(4);
    const Vector y = d.X.topRows(2500).col(3);
    RandomForestRegressor::Params p;
    p.n_estimators = 12;
    p.n_jobs = 2;
    p.seed = 3;
    RandomForestRegressor f(p);
    f.fit(features, y);
    const Vector batch = f.predict(features);
    const Matrix expected = reference_average(f.trees(), features, 1);
    const prognos::detail::RowMajorMatrix R = features;
    for (Index i = 0; i < features.rows(); ++i) {
        REQUIRE(batch[i] == expected(i, 0));
        REQUIRE(f.predict_row(R.data() + i * R.cols()) == batch[i]);
    }
}

TEST_CASE("Concurrent batch and single-row predict on AI4I equal serial predict",
          "[ensemble][forest][predict][threads]") {
    const Ai4i& d = ai4i();
    RandomForestClassifier f = classifier(10, 2);
    f.fit(d.X.topRows(5000), d.y.head(5000));
    const Matrix test = with_holes(d.X.bottomRows(1000));
    const Matrix serial = f.predict_proba(test);
    const prognos::detail::RowMajorMatrix R = test;
    std::vector<Matrix> batch(4);
    std::vector<std::vector<double>> rows(4);
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < 4; ++t) {
        pool.emplace_back([&, t] {
            batch[t] = f.predict_proba(test);
            double out[2];
            for (Index i = 0; i < test.rows(); ++i) {
                f.predict_proba_row(R.data() + i * R.cols(), out);
                rows[t].push_back(out[1]);
            }
        });
    }
    for (auto& th : pool) {
        th.join();
    }
    for (std::size_t t = 0; t < 4; ++t) {
        REQUIRE(batch[t] == serial);
        for (Index i = 0; i < test.rows(); ++i) {
            REQUIRE(rows[t][static_cast<std::size_t>(i)] == serial(i, 1));
        }
    }
}
