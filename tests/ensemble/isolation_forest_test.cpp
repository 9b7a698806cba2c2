// SPDX-License-Identifier: Apache-2.0
// IsolationForest: the path-length normaliser against scikit-learn, planted outliers, the
// contamination threshold, determinism across thread counts and the artifact.

#include <prognos/core/random.hpp>
#include <prognos/ensemble.hpp>
#include <prognos/io/artifact.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "support/catch.hpp"
#include "tree/tree_test_support.hpp"

using prognos::IntVector;
using prognos::IsolationForest;
using prognos::Matrix;
using prognos::Vector;

namespace {

// 300 rows from a unit Gaussian-like cloud (sum of uniforms) in 3 features, then 10 planted
// outliers at distance about 8 in random directions: rows 300..309.
Matrix planted_outliers() {
    prognos::Random rng(21);
    Matrix X(310, 3);
    for (int i = 0; i < 310; ++i) {
        for (int j = 0; j < 3; ++j) {
            double s = 0;
            for (int k = 0; k < 12; ++k) {
                s += rng.uniform01();
            }
            X(i, j) = s - 6.0; // mean 0, variance 1
        }
        if (i >= 300) {
            X.row(i) *= 8.0 / X.row(i).norm();
        }
    }
    return X;
}

} // namespace

TEST_CASE("Average path length matches scikit-learn", "[ensemble][iforest][sklearn]") {
    const nlohmann::json fx =
        ptest::read_json(std::string(PROGNOS_TEST_DATA_DIR) + "/ensemble/iforest_fixtures.json");
    const auto& c = fx["average_path_length"];
    for (std::size_t k = 0; k < c["n"].size(); ++k) {
        REQUIRE(prognos::detail::average_path_length(c["n"][k].get<double>()) ==
                Approx(c["c"][k].get<double>()).epsilon(1e-12));
    }
}

TEST_CASE("Isolation forest finds planted outliers", "[ensemble][iforest]") {
    const Matrix X = planted_outliers();
    IsolationForest::Params p;
    p.contamination = 10.0 / 310.0;
    p.seed = 3;
    IsolationForest f(p);
    f.fit(X);
    const IntVector flag = f.predict(X);
    int planted_found = 0;
    int false_alarms = 0;
    for (int i = 0; i < 310; ++i) {
        planted_found += i >= 300 && flag[i] == -1;
        false_alarms += i < 300 && flag[i] == -1;
    }
    // The contamination quantile flags about 10 rows; the planted ones are far outside the
    // cloud (distance 8 against a typical 1.7), so all of them are among the flagged.
    REQUIRE(planted_found == 10);
    REQUIRE(false_alarms <= 1);
    // Anomaly scores: planted rows score above 0.6, the cloud's centre below 0.5.
    const prognos::detail::RowMajorMatrix R = X;
    for (int i = 300; i < 310; ++i) {
        REQUIRE(f.anomaly_score_row(R.data() + i * 3) > 0.6);
    }
    const double centre[3] = {0, 0, 0};
    REQUIRE(f.anomaly_score_row(centre) < 0.5);
    REQUIRE(f.score_samples(X)[305] == -f.anomaly_score_row(R.data() + 305 * 3));

    // "auto" contamination: offset -0.5, the paper's threshold.
    IsolationForest automatic;
    automatic.fit(X);
    REQUIRE(automatic.offset() == -0.5);
    REQUIRE(automatic.max_samples() == 256);
}

TEST_CASE("Isolation forest is identical across thread counts and after loading",
          "[ensemble][iforest][threads][io]") {
    const Matrix X = planted_outliers();
    IsolationForest::Params p;
    p.n_estimators = 30;
    p.contamination = 0.05;
    p.n_jobs = 1;
    IsolationForest one(p);
    one.fit(X);
    for (int jobs : {2, 8}) {
        p.n_jobs = jobs;
        IsolationForest other(p);
        other.fit(X);
        REQUIRE(other.trees() == one.trees());
        REQUIRE(other.offset() == one.offset());
    }
    IsolationForest loaded;
    prognos::io::from_artifact_bytes(prognos::io::to_artifact_bytes(one), loaded, "iforest");
    REQUIRE(loaded.score_samples(X) == one.score_samples(X));
    REQUIRE(loaded.predict(X) == one.predict(X));
    auto bad = ptest::save(one);
    bad["trees"][0]["left"][0] = 0;
    REQUIRE_THROWS_AS(ptest::load<IsolationForest>(bad), prognos::parse_error);

    IsolationForest wrong;
    wrong.params().contamination = 0.7;
    REQUIRE_THROWS_WITH(wrong.fit(X), ptest::contains("contamination must be in (0, 0.5]"));
    REQUIRE_THROWS_AS(IsolationForest().score_samples(X), prognos::not_fitted);
}
