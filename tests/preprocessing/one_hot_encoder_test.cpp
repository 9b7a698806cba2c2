// SPDX-License-Identifier: Apache-2.0
#include <prognos/data/csv.hpp>
#include <prognos/preprocessing/one_hot_encoder.hpp>

#include <string>
#include <vector>

#include "preprocessing/memory_archive.hpp"
#include "support/catch.hpp"

using prognos::Column;
using prognos::Matrix;
using prognos::OneHotEncoder;
using prognos::Table;

namespace {

std::string data_path(const std::string& relative) {
    return std::string(PROGNOS_TEST_DATA_DIR) + "/" + relative;
}

Matrix rows(std::initializer_list<std::initializer_list<double>> values) {
    Matrix m(static_cast<prognos::Index>(values.size()),
             static_cast<prognos::Index>(values.begin()->size()));
    prognos::Index i = 0;
    for (const auto& row : values) {
        prognos::Index j = 0;
        for (double v : row) {
            m(i, j++) = v;
        }
        ++i;
    }
    return m;
}

OneHotEncoder ignoring() {
    OneHotEncoder::Params p;
    p.handle_unknown = OneHotEncoder::HandleUnknown::ignore;
    return OneHotEncoder(p);
}

} // namespace

TEST_CASE("case 005: an unseen category is a clear error by default",
          "[preprocessing][one_hot_encoder]") {
    const std::string dir = data_path("cases/005-onehot-unseen-category/");
    const Table train = prognos::read_csv(dir + "input.csv").drop({"label"});
    const Table predict = prognos::read_csv(dir + "input_predict.csv");
    OneHotEncoder encoder;
    encoder.fit(train);
    REQUIRE(encoder.categories()[0] == std::vector<std::string>{"A", "B", "C"});
    REQUIRE(encoder.feature_names_out() ==
            std::vector<std::string>{"machine_type=A", "machine_type=B", "machine_type=C", "temp"});
    try {
        encoder.transform(predict);
        FAIL("no exception");
    } catch (const prognos::bad_value& e) {
        REQUIRE(e.row() == 1);
        REQUIRE(e.column() == 0);
        REQUIRE_THAT(e.what(),
                     ptest::contains("OneHotEncoder::transform: column 'machine_type', row 1: "
                                     "unknown category 'D'"));
    }
    // Without the D row, the empty value of the last row is named as missing.
    const Table no_d = predict.take({0, 2});
    REQUIRE_THROWS_AS(encoder.transform(no_d), prognos::invalid_argument);
    REQUIRE_THROWS_WITH(encoder.transform(no_d),
                        ptest::contains("column 'machine_type', row 1: value is missing; put a "
                                        "SimpleImputer"));
}

TEST_CASE("case 005: ignore mode encodes unseen and missing values as zeros",
          "[preprocessing][one_hot_encoder]") {
    const std::string dir = data_path("cases/005-onehot-unseen-category/");
    const Table train = prognos::read_csv(dir + "input.csv").drop({"label"});
    const Table predict = prognos::read_csv(dir + "input_predict.csv");
    auto encoder = ignoring();
    const Matrix fitted = encoder.fit_transform(train);
    // Training rows A, B, C, A, B, C with temp passing through.
    REQUIRE(fitted == rows({{1, 0, 0, 70},
                            {0, 1, 0, 72},
                            {0, 0, 1, 75},
                            {1, 0, 0, 71},
                            {0, 1, 0, 78},
                            {0, 0, 1, 74}}));
    const Matrix out = encoder.transform(predict);
    REQUIRE(out == rows({{1, 0, 0, 70}, {0, 0, 0, 73}, {0, 0, 0, 71}}));
}

TEST_CASE("one-hot matches categories by text and columns by name",
          "[preprocessing][one_hot_encoder]") {
    Table train;
    train.add(Column::numeric("rpm", {1500, 1400, 1600}));
    train.add(Column::categorical_from_strings("Type", {"M", "L", "H"}));
    OneHotEncoder encoder;
    encoder.fit(train);
    // Output: rpm, then Type=H, Type=L, Type=M (sorted by byte order).
    REQUIRE(encoder.n_features_out() == 4);
    REQUIRE(encoder.feature_names_out() ==
            std::vector<std::string>{"rpm", "Type=H", "Type=L", "Type=M"});
    REQUIRE(encoder.feature_names_out({"speed", "kind"}) ==
            std::vector<std::string>{"speed", "kind=H", "kind=L", "kind=M"});

    // Columns swapped and categories listed in another order (one of them unused).
    Table later;
    later.add(Column::categorical("Type", {1, 0}, {"L", "H", "M"}));
    later.add(Column::numeric("rpm", {1450, 1550}));
    REQUIRE(encoder.transform(later) == rows({{1450, 1, 0, 0}, {1550, 0, 1, 0}}));

    Table wrong;
    wrong.add(Column::numeric("Type", {1}));
    wrong.add(Column::numeric("rpm", {1}));
    REQUIRE_THROWS_WITH(encoder.transform(wrong),
                        ptest::contains("column 'Type' should be categorical but is numeric"));
    REQUIRE_THROWS_WITH(encoder.transform(later.drop({"rpm"})), ptest::contains("missing 'rpm'"));
    REQUIRE_THROWS_AS(OneHotEncoder().transform(later), prognos::not_fitted);

    // Missing training values: an error by default, skipped when ignoring.
    Table gappy;
    gappy.add(Column::categorical("Type", {0, -1}, {"L"}));
    REQUIRE_THROWS_WITH(OneHotEncoder().fit(gappy),
                        ptest::contains("OneHotEncoder::fit: column 'Type', row 1: value is "
                                        "missing"));
    REQUIRE(ignoring().fit_transform(gappy) == rows({{1}, {0}}));
    Table empty;
    empty.add(Column::categorical("Type", {-1}, {"L"}));
    REQUIRE_THROWS_WITH(ignoring().fit(empty), ptest::contains("has no observed values"));
}

TEST_CASE("one-hot state round-trips through an archive and is checked on load",
          "[preprocessing][one_hot_encoder][serialize]") {
    Table train;
    train.add(Column::categorical_from_strings("Type", {"M", "L", "H", "L"}));
    train.add(Column::numeric("rpm", {1, 2, 3, 4}));
    auto encoder = ignoring();
    encoder.fit(train);
    auto store = ptest::save(encoder);
    const auto loaded = ptest::load<OneHotEncoder>(store);
    REQUIRE(loaded.transform(train) == encoder.transform(train));
    REQUIRE(loaded.params().handle_unknown == OneHotEncoder::HandleUnknown::ignore);
    REQUIRE(loaded.feature_names_out() == encoder.feature_names_out());

    auto bad = store;
    bad["categories"] = std::vector<std::string>{"M", "L", "H"};
    REQUIRE_THROWS_WITH(ptest::load<OneHotEncoder>(bad),
                        ptest::contains("must be sorted and unique"));
    bad = store;
    bad["category_counts"] = std::vector<int>{4, 0};
    REQUIRE_THROWS_AS(ptest::load<OneHotEncoder>(bad), prognos::parse_error);
    bad = store;
    bad["handle_unknown"] = 2;
    REQUIRE_THROWS_AS(ptest::load<OneHotEncoder>(bad), prognos::parse_error);
}
