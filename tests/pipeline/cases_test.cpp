// SPDX-License-Identifier: Apache-2.0
// Faults other libraries had, through a real pipeline: a tree or forest behind the actual
// transformers, with the inputs of the shared cases.
#include <prognos/data/csv.hpp>
#include <prognos/data/labels.hpp>
#include <prognos/ensemble/random_forest.hpp>
#include <prognos/io/artifact.hpp>
#include <prognos/pipeline/pipeline.hpp>
#include <prognos/preprocessing/simple_imputer.hpp>
#include <prognos/preprocessing/standard_scaler.hpp>
#include <prognos/tree/decision_tree.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "support/catch.hpp"

namespace {

std::string case_file(const std::string& name) {
    return std::string(PROGNOS_TEST_DATA_DIR) + "/cases/" + name;
}

template <class Pipeline>
Pipeline reloaded(const Pipeline& p) {
    Pipeline out;
    prognos::io::from_artifact_bytes(prognos::io::to_artifact_bytes(p), out, "memory");
    return out;
}

} // namespace

TEST_CASE("case 012: thresholds near data values survive save and load twice",
          "[pipeline][io][cases]") {
    // Class 0 ends at 0.12345671 and class 1 starts at 0.12345679; six significant digits
    // (0.123457) would put the threshold above the first class-1 row.
    const auto data = prognos::read_csv(case_file("012-model-save-threshold-digits/input.csv"));
    prognos::DecisionTreeClassifier::Params stump;
    stump.max_depth = 1;
    auto p = prognos::make_pipeline(prognos::DecisionTreeClassifier(stump));
    p.fit(data, "label");
    const prognos::Table X = data.drop({"label"});
    prognos::IntVector expected(6);
    expected << 0, 0, 0, 1, 1, 1;
    REQUIRE(p.predict(X) == expected);

    const auto once = reloaded(p);
    const auto twice = reloaded(once);
    REQUIRE(once.predict(X) == expected);
    REQUIRE(twice.predict(X) == expected);
    REQUIRE(twice.predict_proba(X) == p.predict_proba(X));
    REQUIRE(twice.model().tree().threshold == p.model().tree().threshold);
}

TEST_CASE("case 018: columns in another order give the same predictions", "[pipeline][cases]") {
    const auto train =
        prognos::read_csv(case_file("018-feature-order-mismatch-at-serving/input.csv"));
    const auto serve =
        prognos::read_csv(case_file("018-feature-order-mismatch-at-serving/input_predict.csv"));
    // A fully grown tree reproduces its training labels, so the expected answer is the label of
    // the training row each served row copies: rows 0, 3 and 5, labels 0, 1 and 1.
    auto p = prognos::make_pipeline(prognos::StandardScaler{}, prognos::DecisionTreeClassifier{});
    p.fit(train, "label");
    prognos::IntVector expected(3);
    expected << 0, 1, 1;
    REQUIRE(serve.names() == std::vector<std::string>{"rpm", "temp", "vibration"});
    REQUIRE(p.predict(serve) == expected);
    REQUIRE(p.predict(train.take({0, 3, 5})) == expected);
    REQUIRE(reloaded(p).predict(serve) == expected);
}

TEST_CASE("case 019: a wrong feature count is refused before and after loading",
          "[pipeline][cases]") {
    const auto data = prognos::read_csv(case_file("019-predict-wrong-feature-count/input.csv"));
    auto p = prognos::make_pipeline(prognos::RandomForestClassifier{});
    p.fit(data.drop({"label"}).to_matrix(),
          prognos::labels_from_column(data.column(std::string_view{"label"})).y);
    const auto loaded = reloaded(p);
    for (const auto* model : {&std::as_const(p), &loaded}) {
        REQUIRE_THROWS_WITH(model->predict(prognos::Matrix::Zero(1, 3)),
                            ptest::contains("expected 4 features, got 3"));
        REQUIRE_THROWS_WITH(model->predict(prognos::Matrix::Zero(1, 5)),
                            ptest::contains("expected 4 features, got 5"));
        REQUIRE(model->predict(prognos::Matrix::Zero(1, 4)).size() == 1);
    }
}

TEST_CASE("case 033: NaN or infinity reaching a forest names row and column", "[pipeline][cases]") {
    // Row 1 has vibration NaN, row 3 temp infinite; both are data rows of input.csv counted
    // from 0 (the 2nd and 4th rows of the file's data). Forests route NaN as a missing value
    // (issue 3), so the first value they refuse is the infinity.
    const auto data = prognos::read_csv(case_file("033-nan-inf-in-training-data/input.csv"));
    auto bare = prognos::make_pipeline(prognos::RandomForestClassifier{});
    REQUIRE_THROWS_WITH(bare.fit(data, "label"),
                        ptest::contains("row 3 (the 4th), feature 0 is +infinity") &&
                            ptest::contains("'temp'") && ptest::contains("SimpleImputer"));
    REQUIRE_FALSE(bare.is_fitted());

    // With a mean imputer in front the same data trains; the infinity is treated as missing
    // and not averaged in.
    auto imputed =
        prognos::make_pipeline(prognos::SimpleImputer{}, prognos::RandomForestClassifier{});
    imputed.fit(data, "label");
    REQUIRE(imputed.step<0>().statistics()[0] == Approx(72.75));
    REQUIRE(imputed.step<0>().statistics()[1] == Approx(0.35));

    // At predict time a model without an imputer names the feature of the bad value; fitted
    // on a plain matrix, its features are called x0, x1.
    auto clean = prognos::make_pipeline(prognos::RandomForestClassifier{});
    clean.fit(imputed.features(data),
              prognos::labels_from_column(data.column(std::string_view{"label"})).y);
    prognos::Matrix row(1, 2);
    row << 70, std::numeric_limits<double>::infinity();
    REQUIRE_THROWS_WITH(clean.predict(row),
                        ptest::contains("feature 1 is +infinity") && ptest::contains("'x1'"));
    // A NaN takes the missing-value route each split learned (or the heavier child): the
    // forest answers with one of its classes.
    row(0, 1) = std::numeric_limits<double>::quiet_NaN();
    const int label = clean.predict(row)[0];
    const auto& classes = clean.step<0>().classes();
    REQUIRE(std::find(classes.data(), classes.data() + classes.size(), label) !=
            classes.data() + classes.size());
}

TEST_CASE("an artifact whose steps were edited apart is refused at load time", "[pipeline][io]") {
    // Each step alone is valid; together they are not: the stored schema lost a column the
    // later steps were fitted on.
    const auto data =
        prognos::read_csv(case_file("018-feature-order-mismatch-at-serving/input.csv"));
    auto p = prognos::make_pipeline(prognos::StandardScaler{}, prognos::DecisionTreeClassifier{});
    p.fit(data, "label");
    auto json = prognos::io::to_json(p);
    json["schema"]["columns"].erase(2);
    decltype(p) loaded;
    REQUIRE_THROWS_WITH(prognos::io::from_json(json, loaded),
                        ptest::contains("the stored steps do not fit together") &&
                            ptest::contains("expected 3 features, got 2"));
    REQUIRE_FALSE(loaded.is_fitted());
}

TEST_CASE("an artifact whose feature names disagree with its steps is refused", "[pipeline][io]") {
    // Errors name features by the stored names; a swapped pair would blame the wrong reading.
    const auto data =
        prognos::read_csv(case_file("018-feature-order-mismatch-at-serving/input.csv"));
    auto p = prognos::make_pipeline(prognos::StandardScaler{}, prognos::DecisionTreeClassifier{});
    p.fit(data, "label");
    auto json = prognos::io::to_json(p);
    REQUIRE(json["feature_names"].size() == 3);
    std::swap(json["feature_names"][0], json["feature_names"][1]);
    decltype(p) loaded;
    REQUIRE_THROWS_WITH(prognos::io::from_json(json, loaded),
                        ptest::contains("the stored feature names are not the ones the stored "
                                        "steps produce"));
    json["feature_names"].erase(2);
    REQUIRE_THROWS_WITH(prognos::io::from_json(json, loaded), ptest::contains("feature names"));
    REQUIRE_FALSE(loaded.is_fitted());
}

TEST_CASE("an artifact written before the decision threshold existed still loads",
          "[pipeline][io]") {
    const auto data =
        prognos::read_csv(case_file("018-feature-order-mismatch-at-serving/input.csv"));
    auto p = prognos::make_pipeline(prognos::DecisionTreeClassifier{});
    p.fit(data, "label");
    auto json = prognos::io::to_json(p);
    json.erase("decision_threshold");
    decltype(p) loaded;
    prognos::io::from_json(json, loaded);
    REQUIRE(std::isnan(loaded.decision_threshold()));
    REQUIRE(loaded.predict(data) == p.predict(data));
}

TEST_CASE("a failed refit keeps the last good pipeline and unfitted ones cannot be saved",
          "[pipeline][io]") {
    const auto data =
        prognos::read_csv(case_file("018-feature-order-mismatch-at-serving/input.csv"));
    auto p = prognos::make_pipeline(prognos::StandardScaler{}, prognos::DecisionTreeClassifier{});
    REQUIRE_THROWS_AS(prognos::io::to_artifact_bytes(p), prognos::not_fitted);
    p.fit(data, "label");
    const prognos::IntVector before = p.predict(data);
    // A refit that fails (a NaN label cannot be a class) must not leave p unfitted.
    prognos::Table bad = data;
    bad.column("label").numbers()[0] = std::numeric_limits<double>::quiet_NaN();
    REQUIRE_THROWS_AS(p.fit(bad, "label"), prognos::invalid_argument);
    REQUIRE(p.is_fitted());
    REQUIRE(p.predict(data) == before);
    REQUIRE_NOTHROW(prognos::io::to_artifact_bytes(p));
}
