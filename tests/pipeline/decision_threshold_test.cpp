// SPDX-License-Identifier: Apache-2.0
// The pipeline's decision threshold: off by default (arg-max unchanged), used by predict when
// set, saved in the artifact, and checked when loaded.
#include <prognos/io/artifact.hpp>
#include <prognos/io/json_archive.hpp>
#include <prognos/pipeline/pipeline.hpp>
#include <prognos/svm/svc.hpp>

#include <cmath>
#include <limits>

#include "pipeline/mock_steps.hpp"
#include "support/catch.hpp"

namespace {

// SignModel gives P(class 1) = 0.75 for x > 0 and 0.25 otherwise.
prognos::Matrix inputs() {
    prognos::Matrix X(4, 1);
    X << -2, -1, 1, 2;
    return X;
}

auto fitted() {
    auto p = prognos::make_pipeline(mock::SignModel{});
    prognos::IntVector y(4);
    y << 0, 0, 1, 1;
    p.fit(inputs(), y);
    return p;
}

} // namespace

TEST_CASE("without a decision threshold predict is the model's arg-max", "[pipeline][threshold]") {
    auto p = fitted();
    REQUIRE(std::isnan(p.decision_threshold()));
    REQUIRE(p.predict(inputs()) == p.model().predict(inputs()));
}

TEST_CASE("a decision threshold decides predict and survives the artifact",
          "[pipeline][threshold]") {
    auto p = fitted();
    prognos::IntVector all(4), none(4), own(4);
    all << 1, 1, 1, 1;
    none << 0, 0, 0, 0;
    own << 0, 0, 1, 1;
    p.set_decision_threshold(0.2); // 0.25 >= 0.2: every row is a failure
    REQUIRE(p.predict(inputs()) == all);
    p.set_decision_threshold(0.75); // >= is inclusive
    REQUIRE(p.predict(inputs()) == own);
    p.set_decision_threshold(0.8);
    REQUIRE(p.predict(inputs()) == none);
    p.set_decision_threshold(std::numeric_limits<double>::infinity());
    REQUIRE(p.predict(inputs()) == none);

    p.set_decision_threshold(0.2);
    decltype(p) loaded;
    prognos::io::from_artifact_bytes(prognos::io::to_artifact_bytes(p), loaded, "test");
    REQUIRE(loaded.decision_threshold() == 0.2);
    REQUIRE(loaded.predict(inputs()) == all);
    loaded.clear_decision_threshold();
    REQUIRE(loaded.predict(inputs()) == own);
}

TEST_CASE("bad decision thresholds are refused when set and when loaded", "[pipeline][threshold]") {
    auto p = fitted();
    REQUIRE_THROWS_WITH(p.set_decision_threshold(1.5),
                        ptest::contains("threshold must lie in [0, 1] or be +infinity, got 1.5"));
    REQUIRE_THROWS_WITH(p.set_decision_threshold(std::nan("")),
                        ptest::contains("threshold must lie in [0, 1]"));
    auto unfitted = prognos::make_pipeline(mock::SignModel{});
    REQUIRE_THROWS_AS(unfitted.set_decision_threshold(0.5), prognos::not_fitted);

    auto j = prognos::io::to_json(p);
    j["decision_threshold"] = 2.0;
    decltype(p) loaded;
    REQUIRE_THROWS_WITH(prognos::io::from_json(j, loaded),
                        ptest::contains("decision_threshold must be NaN"));
}

TEST_CASE("a threshold needs a model that gives probabilities", "[pipeline][threshold]") {
    // An SVC fitted without probability = true has predict_proba but refuses to answer; a
    // threshold on it would only fail at the first predict, after being saved and served.
    prognos::Matrix X(8, 1);
    X << -4, -3, -2, -1, 1, 2, 3, 4;
    prognos::IntVector y(8);
    y << 0, 0, 0, 0, 1, 1, 1, 1;
    auto p = prognos::make_pipeline(prognos::SVC{});
    p.fit(X, y);
    REQUIRE_THROWS_WITH(p.set_decision_threshold(0.3),
                        ptest::contains("needs a model that gives probabilities"));
    REQUIRE(std::isnan(p.decision_threshold()));

    auto j = prognos::io::to_json(p);
    j["decision_threshold"] = 0.3;
    decltype(p) loaded;
    REQUIRE_THROWS_WITH(prognos::io::from_json(j, loaded),
                        ptest::contains("the model gives no probabilities"));

    prognos::SVC::Params with_proba;
    with_proba.probability = true;
    auto q = prognos::make_pipeline(prognos::SVC(with_proba));
    q.fit(X, y);
    q.set_decision_threshold(0.3);
    REQUIRE(q.decision_threshold() == 0.3);
}
