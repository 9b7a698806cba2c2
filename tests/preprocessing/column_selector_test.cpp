// SPDX-License-Identifier: Apache-2.0
#include <prognos/data/csv.hpp>
#include <prognos/preprocessing/column_selector.hpp>

#include <string>
#include <vector>

#include "preprocessing/memory_archive.hpp"
#include "support/catch.hpp"

using prognos::Column;
using prognos::ColumnSelector;
using prognos::Table;

namespace {

ColumnSelector selector(std::vector<std::string> keep, std::vector<std::string> drop) {
    ColumnSelector::Params p;
    p.keep = std::move(keep);
    p.drop = std::move(drop);
    return ColumnSelector(p);
}

Table sample() {
    Table t;
    t.add(Column::numeric("UDI", {1, 2}));
    t.add(Column::categorical_from_strings("Type", {"L", "M"}));
    t.add(Column::numeric("torque", {40, 50}));
    return t;
}

} // namespace

TEST_CASE("column selector keeps or drops named columns", "[preprocessing][column_selector]") {
    auto keep = selector({"torque", "Type"}, {});
    const Table kept = keep.fit_transform(sample());
    REQUIRE(kept.names() == std::vector<std::string>{"torque", "Type"});
    REQUIRE(kept.column("Type").category_at(1) == "M");
    REQUIRE(keep.feature_names_out() == std::vector<std::string>{"torque", "Type"});

    auto drop = selector({}, {"UDI"});
    REQUIRE(drop.fit_transform(sample()).names() == std::vector<std::string>{"Type", "torque"});

    // New data: other order and an extra column; the output is what fit resolved.
    Table later;
    later.add(Column::numeric("torque", {45}));
    later.add(Column::numeric("extra", {0}));
    later.add(Column::categorical_from_strings("Type", {"H"}));
    later.add(Column::numeric("UDI", {3}));
    REQUIRE(drop.transform(later).names() == std::vector<std::string>{"Type", "torque"});
    REQUIRE_THROWS_WITH(drop.transform(later.drop({"torque"})),
                        ptest::contains("ColumnSelector::transform: input columns do not match "
                                        "those seen in fit: missing 'torque'"));
}

TEST_CASE("column selector names unknown columns and lists the available ones",
          "[preprocessing][column_selector]") {
    REQUIRE_THROWS_WITH(selector({"Torque"}, {}).fit(sample()),
                        "ColumnSelector::fit: no column named 'Torque'; the table has 'UDI', "
                        "'Type', 'torque'");
    REQUIRE_THROWS_WITH(selector({}, {}).fit(sample()),
                        ptest::contains("set exactly one of keep and drop"));
    REQUIRE_THROWS_WITH(selector({"UDI"}, {"Type"}).fit(sample()),
                        ptest::contains("set exactly one of keep and drop"));
    REQUIRE_THROWS_WITH(selector({"UDI", "UDI"}, {}).fit(sample()),
                        ptest::contains("'UDI' is listed twice"));
    REQUIRE_THROWS_WITH(selector({}, {"UDI", "Type", "torque"}).fit(sample()),
                        ptest::contains("drop removes every column"));
    REQUIRE_THROWS_AS(ColumnSelector().transform(sample()), prognos::not_fitted);
}

TEST_CASE("case 024: a column read after a byte-order mark is selected by its plain name",
          "[preprocessing][column_selector]") {
    const Table t =
        prognos::read_csv(std::string(PROGNOS_TEST_DATA_DIR) + "/cases/024-csv-utf8-bom/input.csv");
    auto keep = selector({"machine_id"}, {});
    REQUIRE(keep.fit_transform(t).column("machine_id").category_at(2) == "M3");
    REQUIRE(selector({}, {"machine_id"}).fit_transform(t).names() ==
            std::vector<std::string>{"temp", "label"});
}

TEST_CASE("column selector round-trips through an archive",
          "[preprocessing][column_selector][serialize]") {
    auto keep = selector({"torque", "Type"}, {});
    keep.fit(sample());
    auto store = ptest::save(keep);
    const auto loaded = ptest::load<ColumnSelector>(store);
    REQUIRE(loaded.transform(sample()).names() == std::vector<std::string>{"torque", "Type"});
    store["column_names"] = std::vector<std::string>{"a", "a"};
    store["column_types"] = std::vector<int>{0, 0};
    REQUIRE_THROWS_WITH(ptest::load<ColumnSelector>(store),
                        ptest::contains("column names must be non-empty and unique"));
}
