// SPDX-License-Identifier: Apache-2.0
#include <prognos/io/artifact.hpp>
#include <prognos/pipeline/pipeline.hpp>

#include <cmath>
#include <limits>

#include "pipeline/mock_steps.hpp"
#include "support/catch.hpp"

using prognos::Column;
using prognos::Table;

namespace {

Table training_table() {
    Table t;
    t.add(Column::numeric("temp", {-110, -90, -105, -95}));
    t.add(Column::numeric("rpm", {1, 2, 3, 4}));
    t.add(Column::categorical_from_strings("status", {"ok", "worn", "ok", "worn"}));
    return t;
}

} // namespace

TEST_CASE("a pipeline passes a table through table and matrix steps to the model", "[pipeline]") {
    auto p = prognos::make_pipeline(mock::AddHundred{}, mock::Center{}, mock::SignModel{});
    Table X = training_table().drop({"status"});
    prognos::IntVector y(4);
    y << 0, 1, 0, 1;
    p.fit(X, y);
    REQUIRE(p.is_fitted());
    // temp + 100 = -10, 10, -5, 5 (mean 0); rpm + 100 = 101..104 (mean 102.5), centred.
    const prognos::Matrix& seen = p.model().seen;
    REQUIRE(seen.rows() == 4);
    CHECK(seen(0, 0) == -10.0);
    CHECK(seen(1, 0) == 10.0);
    CHECK(seen(3, 1) == 1.5);
    REQUIRE(p.predict(X) == y);
    CHECK(p.predict_proba(X)(1, 1) == 0.75);
    CHECK(p.feature_names() == std::vector<std::string>{"temp", "rpm"});
    CHECK(p.class_names() == std::vector<std::string>{"0", "1"});
}

TEST_CASE("named input is matched by name whatever the column order", "[pipeline]") {
    // Case 018: a peer used positions at serving time and answered wrongly without a word.
    auto p = prognos::make_pipeline(mock::Center{}, mock::SignModel{});
    Table X = training_table().drop({"status"});
    prognos::IntVector y(4);
    y << 0, 1, 0, 1;
    p.fit(X, y);
    const Table reordered = X.select({"rpm", "temp"});
    REQUIRE(p.predict(reordered) == p.predict(X));
    REQUIRE(p.predict_proba(reordered) == p.predict_proba(X));

    SECTION("a misspelt name lists the missing and the unexpected names") {
        Table bad;
        bad.add(Column::numeric("Temp", {1}));
        bad.add(Column::numeric("rpm", {1}));
        REQUIRE_THROWS_WITH(p.predict(bad),
                            ptest::contains("missing 'temp'") &&
                                ptest::contains("unexpected 'Temp'"));
    }
    SECTION("extra columns are ignored by default and refused on request") {
        Table extra = X;
        extra.add(Column::numeric("operator", {1, 2, 3, 4}));
        REQUIRE(p.predict(extra) == y);
        p.set_extra_columns(prognos::ExtraColumns::error);
        REQUIRE_THROWS_WITH(p.predict(extra), ptest::contains("unexpected 'operator'"));
    }
    SECTION("a matrix must have the training width") {
        REQUIRE_THROWS_WITH(p.predict(prognos::Matrix::Zero(2, 3)),
                            ptest::contains("expected 2 features, got 3"));
        REQUIRE(p.predict(X.to_matrix()) == y);
    }
}

TEST_CASE("fit on a table with a named target column", "[pipeline]") {
    auto p = prognos::make_pipeline(mock::SignModel{});
    Table data = training_table().drop({"rpm"});
    // Target categories are numbered in sorted order: ok = 0 and worn = 1.
    data.add(Column::numeric("dummy", {1, 1, 1, 1}));
    Table numeric = data.drop({"status"});
    numeric.add(Column::categorical_from_strings("label", {"worn", "ok", "worn", "ok"}));
    p.fit(numeric, "label");
    CHECK(p.class_names() == std::vector<std::string>{"ok", "worn"});
    CHECK(p.schema().names() == std::vector<std::string>{"temp", "dummy"});
}

TEST_CASE("a bad value reaching the model is reported with its feature name", "[pipeline]") {
    auto p = prognos::make_pipeline(mock::AddHundred{}, mock::SignModel{});
    Table X = training_table().drop({"status"});
    X.column("rpm").numbers()[2] = std::numeric_limits<double>::quiet_NaN();
    prognos::IntVector y(4);
    y << 0, 1, 0, 1;
    REQUIRE_THROWS_WITH(p.fit(X, y),
                        ptest::contains("row 2 (the 3rd), feature 1 is NaN") &&
                            ptest::contains("'rpm'"));
}

TEST_CASE("a categorical column reaching a matrix step is named", "[pipeline]") {
    auto p = prognos::make_pipeline(mock::Center{}, mock::SignModel{});
    prognos::IntVector y(4);
    y << 0, 1, 0, 1;
    REQUIRE_THROWS_WITH(p.fit(training_table(), y),
                        ptest::contains("column 'status' is categorical"));
}

TEST_CASE("an unfitted pipeline refuses to predict", "[pipeline]") {
    auto p = prognos::make_pipeline(mock::Center{}, mock::SignModel{});
    REQUIRE_THROWS_AS(p.predict(training_table()), prognos::not_fitted);
}

TEST_CASE("a regressor pipeline has predict but no predict_proba", "[pipeline]") {
    auto p = prognos::make_pipeline(mock::Center{}, mock::SumModel{});
    static_assert(!decltype(p)::is_classifier);
    prognos::Vector y = prognos::Vector::Zero(4);
    p.fit(training_table().drop({"status"}), y);
    // Centred columns sum to zero over rows; each row's prediction is its centred sum.
    const prognos::Vector pred = p.predict(training_table().drop({"status"}));
    CHECK(pred.sum() == Approx(0.0).margin(1e-12));
}

TEST_CASE("a fitted pipeline survives an artifact round trip", "[pipeline][io]") {
    auto p = prognos::make_pipeline(mock::AddHundred{}, mock::Center{}, mock::SignModel{});
    Table X = training_table().drop({"status"});
    prognos::IntVector y(4);
    y << 0, 1, 0, 1;
    p.fit(X, y);
    using P = decltype(p);
    P loaded;
    prognos::io::from_artifact_bytes(prognos::io::to_artifact_bytes(p), loaded, "mem");
    REQUIRE(loaded.predict_proba(X) == p.predict_proba(X));
    REQUIRE(loaded.schema().names() == p.schema().names());
    REQUIRE(P::type_name() == "Pipeline<AddHundred,Center,SignModel>");

    // Loading into a pipeline of other steps is refused by name.
    using Other = prognos::Pipeline<mock::Center, mock::SignModel>;
    Other other;
    REQUIRE_THROWS_WITH(
        prognos::io::from_artifact_bytes(prognos::io::to_artifact_bytes(p), other, "mem"),
        ptest::contains("holds a Pipeline<AddHundred,Center,SignModel> but a "
                        "Pipeline<Center,SignModel> was asked for"));
}
