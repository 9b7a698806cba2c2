// SPDX-License-Identifier: Apache-2.0
#include <prognos/core/error.hpp>
#include <prognos/ensemble/random_forest.hpp>
#include <prognos/io/artifact.hpp>
#include <prognos/io/json_archive.hpp>
#include <prognos/pipeline/pipeline.hpp>
#include <prognos/preprocessing/derived_columns.hpp>
#include <prognos/preprocessing/one_hot_encoder.hpp>
#include <prognos/preprocessing/simple_imputer.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "support/catch.hpp"

using prognos::Column;
using prognos::DerivedColumns;
using prognos::Table;

namespace {

constexpr double pi = 3.14159265358979323846;
const double missing = std::numeric_limits<double>::quiet_NaN();

// Four machine readings with easy numbers: the derived values below are worked by hand.
Table readings() {
    Table t;
    t.add(Column::categorical_from_strings("Type", {"L", "M", "H", "L"}));
    t.add(Column::numeric("air", {300.0, 298.5, 301.0, 300.0}));
    t.add(Column::numeric("process", {310.5, 308.0, 311.0, 300.0}));
    t.add(Column::numeric("speed", {1500, 1200, 1000, 0}));
    t.add(Column::numeric("torque", {40, 50, missing, 10}));
    return t;
}

bool same(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) {
            return false;
        }
    }
    return true;
}

} // namespace

TEST_CASE("derived columns hold hand-worked products differences ratios and sums",
          "[preprocessing][derived_columns]") {
    DerivedColumns d({DerivedColumns::product("power", "torque", "speed", 2 * pi / 60),
                      DerivedColumns::difference("dT", "process", "air"),
                      DerivedColumns::ratio("speed per torque", "speed", "torque"),
                      DerivedColumns::sum("mean temperature", "air", "process", 0.5),
                      DerivedColumns::product("dT squared", "dT", "dT")});
    const Table out = d.fit_transform(readings());
    // Inputs first, unchanged and in order; then the derived columns in list order.
    REQUIRE(out.names() == std::vector<std::string>{"Type",
                                                    "air",
                                                    "process",
                                                    "speed",
                                                    "torque",
                                                    "power",
                                                    "dT",
                                                    "speed per torque",
                                                    "mean temperature",
                                                    "dT squared"});
    REQUIRE(out.column("Type").category_at(2) == "H");
    REQUIRE(same(out.column("torque").numbers(), readings().column("torque").numbers()));

    // 40 Nm at 1500 rpm and 50 Nm at 1200 rpm are both 60000 Nm rpm = 2000 pi W; a missing
    // torque gives a missing power; no speed, no power.
    const auto& power = out.column("power").numbers();
    REQUIRE(power[0] == Approx(2000 * pi).epsilon(1e-15));
    REQUIRE(power[1] == Approx(2000 * pi).epsilon(1e-15));
    REQUIRE(std::isnan(power[2]));
    REQUIRE(power[3] == 0.0);
    // Halves and whole numbers: exact in binary floating point.
    REQUIRE(same(out.column("dT").numbers(), {10.5, 9.5, 10.0, 0.0}));
    REQUIRE(same(out.column("speed per torque").numbers(), {37.5, 24.0, missing, 0.0}));
    REQUIRE(same(out.column("mean temperature").numbers(), {305.25, 303.25, 306.0, 300.0}));
    // A later entry uses an earlier one's output: 10.5^2, 9.5^2, 10^2, 0.
    REQUIRE(same(out.column("dT squared").numbers(), {110.25, 90.25, 100.0, 0.0}));

    REQUIRE(d.feature_names_out() == out.names());
    REQUIRE(d.feature_names_out({"a", "b"}) ==
            std::vector<std::string>{
                "a", "b", "power", "dT", "speed per torque", "mean temperature", "dT squared"});
}

TEST_CASE("a derived value that is not finite is missing", "[preprocessing][derived_columns]") {
    const double inf = std::numeric_limits<double>::infinity();
    Table t;
    t.add(Column::numeric("a", {1.0, 0.0, -2.0, 1e300, inf, 3.0}));
    t.add(Column::numeric("b", {0.0, 0.0, 0.0, 1e300, 1.0, 4.0}));
    DerivedColumns d({DerivedColumns::ratio("a/b", "a", "b"),
                      DerivedColumns::product("a*b", "a", "b"),
                      DerivedColumns::sum("a+b", "a", "b", 1e10)});
    const Table out = d.fit_transform(t);
    // 1/0, 0/0 and -2/0 have no finite value; 1e300/1e300 = 1; inf/1 is infinite; 3/4.
    REQUIRE(same(out.column("a/b").numbers(), {missing, missing, missing, 1.0, missing, 0.75}));
    // 1e300 * 1e300 overflows; inf * 1 is infinite.
    REQUIRE(same(out.column("a*b").numbers(), {0.0, 0.0, -0.0, missing, missing, 12.0}));
    // (1e300 + 1e300) * 1e10 overflows only through the scale.
    REQUIRE(same(out.column("a+b").numbers(), {1e10, 0.0, -2e10, missing, missing, 7e10}));
    // The infinite input passes through unchanged; no derived value is infinite.
    REQUIRE(std::isinf(out.column("a").numbers()[4]));
    for (const char* name : {"a/b", "a*b", "a+b"}) {
        for (double v : out.column(name).numbers()) {
            REQUIRE(!std::isinf(v));
        }
    }
}

TEST_CASE("derived columns name the column that is wrong", "[preprocessing][derived_columns]") {
    auto fit = [](std::vector<DerivedColumns::Spec> specs) {
        DerivedColumns d(std::move(specs));
        d.fit(readings());
    };
    REQUIRE_THROWS_WITH(fit({DerivedColumns::product("power", "Torque", "speed")}),
                        "DerivedColumns::fit: input column 'Torque' of derived column 'power' is "
                        "not in the table; it has 'Type', 'air', 'process', 'speed', 'torque'");
    REQUIRE_THROWS_WITH(fit({DerivedColumns::product("p", "speed", "Type")}),
                        ptest::contains("input column 'Type' of derived column 'p' is "
                                        "categorical; derived columns need numeric inputs"));
    REQUIRE_THROWS_WITH(fit({DerivedColumns::sum("air", "process", "speed")}),
                        ptest::contains("derived column 'air' is already a column"));
    REQUIRE_THROWS_WITH(fit({DerivedColumns::sum("s", "process", "speed"),
                             DerivedColumns::sum("s", "air", "speed")}),
                        ptest::contains("derived column 's' is already a column of the table (or "
                                        "listed twice)"));
    // An entry may use only the outputs listed before it.
    REQUIRE_THROWS_WITH(fit({DerivedColumns::product("q", "p", "speed"),
                             DerivedColumns::product("p", "torque", "speed")}),
                        ptest::contains("input column 'p' of derived column 'q' is not in the "
                                        "table"));
    REQUIRE_THROWS_WITH(fit({}), "DerivedColumns::fit: no derived columns given");
    REQUIRE_THROWS_WITH(fit({DerivedColumns::sum("", "air", "speed")}),
                        ptest::contains("derived column '' needs a name and two input column "
                                        "names"));
    REQUIRE_THROWS_WITH(fit({DerivedColumns::sum("s", "", "speed")}),
                        ptest::contains("derived column 's' needs a name and two input column "
                                        "names"));
    DerivedColumns::Spec bad_op = DerivedColumns::sum("s", "air", "speed");
    bad_op.operation = static_cast<DerivedColumns::Operation>(7);
    REQUIRE_THROWS_WITH(fit({bad_op}),
                        ptest::contains("derived column 's' has operation 7; it must be product, "
                                        "difference, ratio or sum"));
    REQUIRE_THROWS_WITH(DerivedColumns({DerivedColumns::sum("s", "air", "speed")}).fit(Table{}),
                        ptest::contains("input column 'air' of derived column 's' is not in the "
                                        "table; the table has no columns"));
    REQUIRE_THROWS_WITH(fit({DerivedColumns::sum("s", "air", "speed", missing)}),
                        ptest::contains("scale of derived column 's' must be finite, got nan"));
    REQUIRE_THROWS_AS(fit({DerivedColumns::product("power", "Torque", "speed")}),
                      prognos::invalid_argument);

    // Transform checks the table it is given, which need hold only the inputs.
    DerivedColumns d({DerivedColumns::difference("dT", "process", "air")});
    REQUIRE_THROWS_AS(d.transform(readings()), prognos::not_fitted);
    d.fit(readings());
    Table inputs_only = readings().select({"air", "process"});
    REQUIRE(d.transform(inputs_only).names() == std::vector<std::string>{"air", "process", "dT"});
    REQUIRE_THROWS_WITH(d.transform(readings().drop({"air"})),
                        ptest::contains("DerivedColumns::transform: input column 'air' of "
                                        "derived column 'dT' is not in the table"));
    Table clash = readings();
    clash.add(Column::numeric("dT", {0, 0, 0, 0}));
    REQUIRE_THROWS_WITH(d.transform(clash),
                        ptest::contains("derived column 'dT' is already a column"));
    Table text = readings().drop({"air"});
    text.add(Column::categorical_from_strings("air", {"a", "b", "c", "d"}));
    REQUIRE_THROWS_WITH(d.transform(text),
                        ptest::contains("input column 'air' of derived column "
                                        "'dT' is categorical"));
    // Parameters edited after fit are checked again rather than computed as zeros.
    d.params().columns[0].operation = static_cast<DerivedColumns::Operation>(-1);
    REQUIRE_THROWS_WITH(d.transform(readings()),
                        ptest::contains("DerivedColumns::transform: derived column 'dT' has "
                                        "operation -1"));
}

TEST_CASE("derived columns round-trip through JSON and refuse damaged state",
          "[preprocessing][derived_columns][serialize]") {
    DerivedColumns d({DerivedColumns::product("power", "torque", "speed", 2 * pi / 60),
                      DerivedColumns::ratio("r", "speed", "torque", 0.1),
                      DerivedColumns::sum("s", "r", "air")});
    d.fit(readings());
    const auto j = prognos::io::to_json(d);
    const auto loaded = prognos::io::from_json<DerivedColumns>(nlohmann::json::parse(j.dump()));
    REQUIRE(loaded.is_fitted());
    REQUIRE(loaded.params().columns.size() == 3);
    REQUIRE(loaded.params().columns[1].operation == DerivedColumns::Operation::ratio);
    REQUIRE(loaded.feature_names_out() == d.feature_names_out());
    const Table a = d.transform(readings());
    const Table b = loaded.transform(readings());
    REQUIRE(a.names() == b.names());
    for (std::size_t k = 0; k < a.cols(); ++k) {
        if (a.column(k).is_numeric()) {
            REQUIRE(same(a.column(k).numbers(), b.column(k).numbers()));
        }
    }

    auto refused = [&](auto edit, const std::string& message) {
        nlohmann::json damaged = j;
        edit(damaged);
        REQUIRE_THROWS_WITH(prognos::io::from_json<DerivedColumns>(damaged),
                            ptest::contains(message));
        REQUIRE_THROWS_AS(prognos::io::from_json<DerivedColumns>(damaged), prognos::parse_error);
    };
    refused([](nlohmann::json& x) { x["columns"][0]["operation"] = 4; },
            "operation must be 0 to 3");
    refused([](nlohmann::json& x) { x["columns"][0]["operation"] = -1; },
            "operation must be 0 to 3");
    refused([](nlohmann::json& x) { x["columns"][1]["scale"] = "Infinity"; },
            "scale must be finite");
    refused([](nlohmann::json& x) { x["columns"][0]["left"] = ""; },
            "needs a name and two input column names");
    refused([](nlohmann::json& x) { x["columns"] = nlohmann::json::array(); },
            "no derived columns");
    refused([](nlohmann::json& x) { x["columns"][0]["right"] = "rpm"; },
            "input 'rpm' of derived column 'power' is not a numeric column before it");
    refused([](nlohmann::json& x) { x["columns"][0]["left"] = "Type"; },
            "input 'Type' of derived column 'power' is not a numeric column before it");
    refused([](nlohmann::json& x) { x["columns"][2]["left"] = "s"; },
            "input 's' of derived column 's' is not a numeric column before it");
    refused([](nlohmann::json& x) { x["columns"][1]["name"] = "air"; },
            "derived column 'air' clashes with another column");
    refused([](nlohmann::json& x) { x["columns"][1]["name"] = "power"; },
            "derived column 'power' clashes with another column");
}

TEST_CASE("derived columns feed a pipeline that serves the raw fields",
          "[preprocessing][derived_columns][pipeline]") {
    // 40 rows: failures exactly where power (torque x speed) is high, which neither input
    // shows alone, since torque and speed are drawn to overlap between the classes.
    Table t;
    std::vector<double> torque, speed;
    prognos::IntVector y(40);
    for (int i = 0; i < 40; ++i) {
        torque.push_back(20.0 + (i * 7) % 40);
        speed.push_back(1000.0 + (i * 13) % 40 * 25.0);
        y[i] = torque.back() * speed.back() > 60000 ? 1 : 0;
    }
    t.add(Column::categorical_from_strings("Type", std::vector<std::string>(40, "L")));
    t.add(Column::numeric("torque", torque));
    t.add(Column::numeric("speed", speed));
    REQUIRE(y.sum() > 5);
    REQUIRE(y.sum() < 35);

    prognos::RandomForestClassifier::Params forest;
    forest.n_estimators = 10;
    forest.seed = 3;
    auto p = prognos::make_pipeline(
        prognos::SimpleImputer{},
        DerivedColumns({DerivedColumns::product("power", "torque", "speed", 2 * pi / 60),
                        DerivedColumns::ratio("speed per torque", "speed", "torque")}),
        prognos::OneHotEncoder{},
        prognos::RandomForestClassifier(forest));
    p.fit(t, y);
    // Requests carry the raw fields only; the derived ones are named for the model.
    REQUIRE(p.schema().names() == std::vector<std::string>{"Type", "torque", "speed"});
    REQUIRE(p.feature_names() ==
            std::vector<std::string>{"Type=L", "torque", "speed", "power", "speed per torque"});
    const prognos::Matrix F = p.features(t);
    REQUIRE(F.cols() == 5);
    REQUIRE(F(0, 3) == Approx(20.0 * 1000.0 * 2 * pi / 60).epsilon(1e-15));
    REQUIRE(F(0, 4) == 50.0);
    REQUIRE(p.type_name() ==
            "Pipeline<SimpleImputer,DerivedColumns,OneHotEncoder,RandomForestClassifier>");

    // A saved pipeline answers bit for bit as before, and a missing reading still gets an
    // answer: the imputer fills it before the product is taken.
    decltype(p) loaded;
    prognos::io::from_artifact_bytes(prognos::io::to_artifact_bytes(p), loaded, "test");
    REQUIRE(loaded.predict_proba(t) == p.predict_proba(t));
    REQUIRE(loaded.predict(t) == p.predict(t));
    Table gap = t.take({0});
    gap.column("torque").numbers()[0] = missing;
    REQUIRE(std::isfinite(loaded.features(gap)(0, 3)));

    // At the front of a pipeline too; a zero reading gives a missing ratio, which the forest
    // routes, so one odd row does not fail a request.
    auto front = prognos::make_pipeline(
        DerivedColumns({DerivedColumns::ratio("speed per torque", "speed", "torque")}),
        prognos::OneHotEncoder{},
        prognos::RandomForestClassifier(forest));
    front.fit(t, y);
    Table zero = t.take({0});
    zero.column("torque").numbers()[0] = 0.0;
    REQUIRE(std::isnan(front.features(zero)(0, 3)));
    const prognos::Matrix proba = front.predict_proba(zero);
    REQUIRE(proba(0, 0) + proba(0, 1) == Approx(1.0));
    decltype(front) front_loaded;
    prognos::io::from_artifact_bytes(prognos::io::to_artifact_bytes(front), front_loaded, "test");
    REQUIRE(front_loaded.predict_proba(t) == front.predict_proba(t));

    // A request that already holds a column of a derived name: the pipeline takes only the
    // fields it was fitted on, so the extra one is ignored, not a clash.
    Table extra = t;
    extra.add(Column::numeric("power", std::vector<double>(40, -1.0)));
    REQUIRE(p.predict_proba(extra) == p.predict_proba(t));
}
