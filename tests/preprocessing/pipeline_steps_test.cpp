// SPDX-License-Identifier: Apache-2.0
// The preprocessing transformers as pipeline steps, and their state through the JSON archive.
#include <prognos/data/csv.hpp>
#include <prognos/io/json_archive.hpp>
#include <prognos/pipeline/pipeline.hpp>
#include <prognos/preprocessing.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "pipeline/mock_steps.hpp"
#include "support/catch.hpp"

using prognos::Column;
using prognos::Matrix;
using prognos::Table;

namespace {

Table ai4i_excerpt() {
    return prognos::read_csv(std::string(PROGNOS_TEST_DATA_DIR) + "/csv/ai4i2020_head20.csv");
}

/// Serializes through JSON text and back, as an artifact would.
template <class T>
T through_json(const T& object) {
    const auto text = prognos::io::to_json(object).dump();
    return prognos::io::from_json<T>(nlohmann::json::parse(text));
}

} // namespace

TEST_CASE("a selector imputer encoder scaler chain runs inside a pipeline",
          "[preprocessing][pipeline]") {
    prognos::ColumnSelector::Params keep;
    keep.keep = {"Type", "Air temperature [K]", "Torque [Nm]"};
    auto p = prognos::make_pipeline(prognos::ColumnSelector(keep),
                                    prognos::SimpleImputer{},
                                    prognos::OneHotEncoder{},
                                    prognos::StandardScaler{},
                                    mock::SignModel{});
    const Table data = ai4i_excerpt();
    p.fit(data, "Machine failure");
    REQUIRE(p.feature_names() ==
            std::vector<std::string>{
                "Type=H", "Type=L", "Type=M", "Air temperature [K]", "Torque [Nm]"});
    REQUIRE(decltype(p)::type_name() ==
            "Pipeline<ColumnSelector,SimpleImputer,OneHotEncoder,StandardScaler,SignModel>");

    // The model saw standardised columns: mean 0 and population variance 1 per column.
    const Matrix& seen = p.model().seen;
    REQUIRE(seen.cols() == 5);
    for (prognos::Index j = 0; j < seen.cols(); ++j) {
        REQUIRE(std::abs(seen.col(j).mean()) < 1e-12);
        REQUIRE(seen.col(j).squaredNorm() / static_cast<double>(seen.rows()) ==
                Approx(1.0).epsilon(1e-12));
    }

    // A new row by name, in another order and with a missing torque that the imputer fills
    // with the training mean, which the scaler then maps to 0.
    Table row;
    row.add(Column::numeric("Torque [Nm]", {std::numeric_limits<double>::quiet_NaN()}));
    row.add(Column::numeric("Air temperature [K]", {298.5}));
    row.add(Column::categorical_from_strings("Type", {"L"}));
    for (const auto& c : data.columns()) {
        if (!row.has(c.name()) && c.name() != "Machine failure") {
            row.add(c.take({0}));
        }
    }
    const Matrix f = p.features(row);
    REQUIRE(std::abs(f(0, 4)) < 1e-12);
    REQUIRE(f(0, 1) > 0); // Type=L is above its mean (0 <= share of L < 1)
    REQUIRE(f(0, 0) < 0);

    // The whole pipeline through JSON gives the same features.
    const auto loaded = through_json(p);
    REQUIRE(loaded.features(row) == f);
    REQUIRE(loaded.features(data) == p.features(data));
}

TEST_CASE("every transformer round-trips through the JSON archive", "[preprocessing][serialize]") {
    const Table data = ai4i_excerpt().select({"Type", "Torque [Nm]", "Tool wear [min]"});
    prognos::SimpleImputer imputer;
    imputer.fit(data);
    const auto imputer2 = through_json(imputer);
    REQUIRE(std::isnan(imputer2.statistics()[0])); // the categorical column
    REQUIRE(imputer2.statistics()[1] == imputer.statistics()[1]);
    REQUIRE(imputer2.statistics()[2] == imputer.statistics()[2]);
    REQUIRE(imputer2.fill_categories() == imputer.fill_categories());

    prognos::OneHotEncoder encoder;
    const Matrix encoded = encoder.fit_transform(data);
    REQUIRE(through_json(encoder).transform(data) == encoded);

    prognos::StandardScaler standard;
    standard.fit(encoded);
    REQUIRE(through_json(standard).transform(encoded) == standard.transform(encoded));

    prognos::MinMaxScaler minmax;
    minmax.fit(encoded);
    REQUIRE(through_json(minmax).transform(encoded) == minmax.transform(encoded));

    prognos::ColumnSelector::Params drop;
    drop.drop = {"Type"};
    prognos::ColumnSelector selector(drop);
    selector.fit(data);
    REQUIRE(through_json(selector).transform(data).names() ==
            std::vector<std::string>{"Torque [Nm]", "Tool wear [min]"});

    // A damaged file fails at load, naming the problem.
    auto j = prognos::io::to_json(standard);
    j["scale"]["data"][0] = -1.0;
    REQUIRE_THROWS_AS(prognos::io::from_json<prognos::StandardScaler>(j), prognos::parse_error);
    REQUIRE_THROWS_WITH(prognos::io::from_json<prognos::StandardScaler>(j),
                        ptest::contains("scale must be finite and positive"));
}
