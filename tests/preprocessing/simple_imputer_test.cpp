// SPDX-License-Identifier: Apache-2.0
#include <prognos/data/csv.hpp>
#include <prognos/preprocessing/simple_imputer.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "preprocessing/memory_archive.hpp"
#include "support/catch.hpp"

using prognos::Column;
using prognos::Matrix;
using prognos::SimpleImputer;
using prognos::Table;

namespace {

std::string data_path(const std::string& relative) {
    return std::string(PROGNOS_TEST_DATA_DIR) + "/" + relative;
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

SimpleImputer make(SimpleImputer::Strategy strategy) {
    SimpleImputer::Params p;
    p.strategy = strategy;
    return SimpleImputer(p);
}

void require_matrix_near(const Matrix& got, const Matrix& want) {
    REQUIRE(got.rows() == want.rows());
    REQUIRE(got.cols() == want.cols());
    for (prognos::Index i = 0; i < got.rows(); ++i) {
        for (prognos::Index j = 0; j < got.cols(); ++j) {
            INFO("row " << i << ", column " << j);
            REQUIRE(got(i, j) == Approx(want(i, j)).epsilon(1e-12));
        }
    }
}

} // namespace

TEST_CASE("case 003: a column missing in every training row fails fit by default",
          "[preprocessing][simple_imputer]") {
    const Table t = prognos::read_csv(data_path("cases/003-imputer-all-missing-column/input.csv"));
    SimpleImputer imputer;
    REQUIRE_THROWS_AS(imputer.fit(t), prognos::invalid_argument);
    REQUIRE_THROWS_WITH(imputer.fit(t),
                        ptest::contains("SimpleImputer::fit: column 'pressure' has no observed "
                                        "values"));
    REQUIRE_FALSE(imputer.is_fitted());
    // The matrix path words it the same way, naming the column by position.
    REQUIRE_THROWS_WITH(SimpleImputer().fit(t.to_matrix()),
                        ptest::contains("column 'x1' has no observed values"));
}

TEST_CASE("case 003: keep_empty_features keeps the column filled and warns",
          "[preprocessing][simple_imputer]") {
    const Table t = prognos::read_csv(data_path("cases/003-imputer-all-missing-column/input.csv"));
    SimpleImputer::Params p;
    p.keep_empty_features = true;
    p.fill_value = 0.0;
    SimpleImputer imputer(p);
    const Table out = imputer.fit_transform(t);

    // temp: (70 + 74 + 76 + 72) / 4 = 73; rpm: (1500 + 1520 + 1480 + 1500 + 1510) / 5 = 1502.
    REQUIRE(imputer.statistics() == std::vector<double>{73.0, 0.0, 1502.0});
    REQUIRE(out.cols() == 3);
    REQUIRE(out.names() == t.names());
    const Matrix m = out.to_matrix();
    REQUIRE(m.rows() == 6);
    REQUIRE(m(1, 0) == 73.0); // row 2 of the case: [73, 0, 1520]
    REQUIRE(m(1, 1) == 0.0);
    REQUIRE(m(1, 2) == 1520.0);
    REQUIRE(m(2, 0) == 74.0); // row 3: [74, 0, 1502]
    REQUIRE(m(2, 1) == 0.0);
    REQUIRE(m(2, 2) == 1502.0);
    REQUIRE(imputer.warnings().size() == 1);
    REQUIRE_THAT(imputer.warnings()[0],
                 ptest::contains("column 'pressure' has no observed values"));

    // A real pressure at predict time keeps its place.
    Table row;
    row.add(Column::numeric("temp", {71}));
    row.add(Column::numeric("pressure", {3.2}));
    row.add(Column::numeric("rpm", {1490}));
    REQUIRE(imputer.transform(row).to_matrix().row(0) == Eigen::RowVector3d(71, 3.2, 1490));

    // Same through matrices.
    SimpleImputer on_matrix(p);
    const Matrix mm = on_matrix.fit_transform(t.to_matrix());
    REQUIRE(mm == m);
    Matrix predict(1, 3);
    predict << 71, 3.2, 1490;
    REQUIRE(on_matrix.transform(predict) == predict);
}

TEST_CASE("case 033: infinity is treated as missing and never enters the mean",
          "[preprocessing][simple_imputer]") {
    const Table t = prognos::read_csv(data_path("cases/033-nan-inf-in-training-data/input.csv"));
    SimpleImputer imputer;
    const Matrix m = imputer.fit_transform(t).to_matrix();
    // temp: (70 + 72 + 74 + 75) / 4 = 72.75 without the kInf; vibration: (0.2 + 0.3 + 0.5 + 0.4)
    // / 4 = 0.35 without the kNaN and the empty field.
    REQUIRE(imputer.statistics()[0] == Approx(72.75).epsilon(1e-15));
    REQUIRE(imputer.statistics()[1] == Approx(0.35).epsilon(1e-15));
    REQUIRE(m.allFinite());
    REQUIRE(m(3, 0) == imputer.statistics()[0]); // the inf
    REQUIRE(m(5, 0) == imputer.statistics()[0]); // the empty field
    REQUIRE(m(1, 1) == imputer.statistics()[1]); // the nan
    REQUIRE(m(0, 0) == 70.0);
}

TEST_CASE("numeric strategies match values worked by hand", "[preprocessing][simple_imputer]") {
    Matrix X(6, 2);
    X << 1, 5,    //
        kNaN, 5,  //
        3, 7,     //
        10, kInf, //
        -kInf, 7, //
        4, 7;
    using S = SimpleImputer::Strategy;
    // Column 0 observed {1, 3, 10, 4}: mean 18/4 = 4.5, median (3 + 4) / 2 = 3.5, all once so
    // the smallest, 1, is most frequent. Column 1 observed {5, 5, 7, 7, 7}: mean 31/5 = 6.2,
    // median 7, most frequent 7.
    auto mean = make(S::mean);
    mean.fit(X);
    REQUIRE(mean.statistics()[0] == 4.5);
    REQUIRE(mean.statistics()[1] == Approx(6.2).epsilon(1e-15));
    auto median = make(S::median);
    REQUIRE(median.fit(X).statistics() == std::vector<double>{3.5, 7});
    auto frequent = make(S::most_frequent);
    REQUIRE(frequent.fit(X).statistics() == std::vector<double>{1, 7});
    SimpleImputer::Params p;
    p.strategy = S::constant;
    p.fill_value = -1;
    SimpleImputer constant(p);
    const Matrix out = constant.fit_transform(X);
    REQUIRE(out(1, 0) == -1);
    REQUIRE(out(3, 1) == -1);
    REQUIRE(out(4, 0) == -1);
    REQUIRE(out(0, 0) == 1);

    p.fill_value = kNaN;
    REQUIRE_THROWS_WITH(SimpleImputer(p).fit(X), ptest::contains("fill_value must be finite"));
}

TEST_CASE("imputer matches scikit-learn on a matrix with NaN", "[preprocessing][simple_imputer]") {
    // Fixtures from tests/data/preprocessing/gen_scalers.py.
    const Matrix X = prognos::read_csv(data_path("preprocessing/input.csv")).to_matrix();
    using S = SimpleImputer::Strategy;
    for (auto [strategy, file] : {std::pair{S::mean, "imputer_mean.csv"},
                                  std::pair{S::median, "imputer_median.csv"},
                                  std::pair{S::most_frequent, "imputer_most_frequent.csv"}}) {
        INFO(file);
        const Matrix want =
            prognos::read_csv(data_path(std::string("preprocessing/") + file)).to_matrix();
        require_matrix_near(make(strategy).fit_transform(X), want);
    }
}

TEST_CASE("categorical columns get their most frequent category or fill_category",
          "[preprocessing][simple_imputer]") {
    Table t;
    // Codes into {M, L, H}: L and H both twice, M once; the tie goes to the smaller text, H.
    t.add(Column::categorical("Type", {0, 1, -1, 2, 1, 2}, {"M", "L", "H"}));
    t.add(Column::numeric("temp", {1, 2, kNaN, 4, 5, 6}));
    SimpleImputer imputer; // mean: numeric columns use it, categorical ones most frequent
    const Table out = imputer.fit_transform(t);
    REQUIRE(imputer.fill_categories() == std::vector<std::string>{"H", ""});
    REQUIRE(std::isnan(imputer.statistics()[0]));
    REQUIRE(imputer.statistics()[1] == 18.0 / 5);
    REQUIRE(out.column("Type").category_at(2) == "H");
    REQUIRE(out.column("Type").categories() == t.column("Type").categories());
    REQUIRE(out.column("temp").numbers()[2] == 18.0 / 5);

    // Strategy constant: fill_category, appended to the categories when new.
    SimpleImputer::Params p;
    p.strategy = SimpleImputer::Strategy::constant;
    SimpleImputer constant(p);
    const Table c = constant.fit_transform(t);
    REQUIRE(c.column("Type").category_at(2) == "missing_value");
    REQUIRE(c.column("Type").categories() ==
            std::vector<std::string>{"M", "L", "H", "missing_value"});
    REQUIRE(c.column("temp").numbers()[2] == 0.0);

    // A categorical column without observed values follows the same policy as a numeric one.
    Table empty;
    empty.add(Column::categorical("Type", {-1, -1}, {}));
    REQUIRE_THROWS_WITH(SimpleImputer().fit(empty),
                        ptest::contains("column 'Type' has no observed values"));
    p = SimpleImputer::Params{};
    p.keep_empty_features = true;
    SimpleImputer keep(p);
    REQUIRE(keep.fit_transform(empty).column("Type").category_at(0) == "missing_value");
    REQUIRE_THAT(keep.warnings()[0], ptest::contains("'Type'"));
}

TEST_CASE("imputer matches table columns by name and rejects mismatches",
          "[preprocessing][simple_imputer]") {
    Table train;
    train.add(Column::numeric("a", {1, 3}));
    train.add(Column::categorical_from_strings("b", {"x", "y"}));
    SimpleImputer imputer;
    imputer.fit(train);

    // Reordered columns, categories listed in another order: matched by name and text.
    Table later;
    later.add(Column::categorical("b", {-1, 0}, {"y", "x"}));
    later.add(Column::numeric("a", {kNaN, 5}));
    const Table out = imputer.transform(later);
    REQUIRE(out.names() == std::vector<std::string>{"a", "b"});
    REQUIRE(out.column("a").numbers() == std::vector<double>{2, 5});
    REQUIRE(out.column("b").category_at(0) == "x"); // tie between x and y goes to x

    Table extra = later;
    extra.add(Column::numeric("c", {1, 2}));
    REQUIRE_THROWS_WITH(imputer.transform(extra),
                        ptest::contains("SimpleImputer::transform: input columns do not match "
                                        "those seen in fit: unexpected 'c';"));
    REQUIRE_THROWS_WITH(imputer.transform(later.drop({"a"})), ptest::contains("missing 'a'"));
    Table retyped;
    retyped.add(Column::numeric("a", {1}));
    retyped.add(Column::numeric("b", {1}));
    REQUIRE_THROWS_WITH(imputer.transform(retyped),
                        ptest::contains("column 'b' should be categorical but is numeric"));
    REQUIRE_THROWS_WITH(imputer.transform(Matrix::Zero(2, 2)),
                        ptest::contains("categorical column 'b'; pass a Table"));

    SimpleImputer numeric;
    numeric.fit(Matrix::Ones(2, 3));
    REQUIRE_THROWS_WITH(numeric.transform(Matrix::Ones(2, 2)),
                        "SimpleImputer::transform: expected 3 features, got 2");
    REQUIRE_THROWS_AS(SimpleImputer().transform(Matrix::Ones(1, 1)), prognos::not_fitted);
    REQUIRE(imputer.feature_names_out() == std::vector<std::string>{"a", "b"});
    REQUIRE(imputer.feature_names_out({"p", "q"}) == std::vector<std::string>{"p", "q"});
}

TEST_CASE("imputer state round-trips through an archive and is checked on load",
          "[preprocessing][simple_imputer][serialize]") {
    Table t;
    t.add(Column::categorical_from_strings("Type", {"L", "L", "M"}, {false, false, true}));
    t.add(Column::numeric("temp", {1, kNaN, 5}));
    SimpleImputer imputer;
    imputer.fit(t);
    auto store = ptest::save(imputer);
    const auto loaded = ptest::load<SimpleImputer>(store);
    REQUIRE(loaded.is_fitted());
    REQUIRE(loaded.statistics()[1] == 3.0);
    REQUIRE(loaded.fill_categories() == imputer.fill_categories());
    const Table a = imputer.transform(t);
    const Table b = loaded.transform(t);
    REQUIRE(a.column("temp").numbers() == b.column("temp").numbers());
    REQUIRE(b.column("Type").category_at(2) == "L");

    auto bad = store;
    bad["statistics"] = std::vector<double>{kNaN, kInf};
    REQUIRE_THROWS_WITH(ptest::load<SimpleImputer>(bad),
                        ptest::contains("fill value of a numeric column must be finite"));
    bad = store;
    bad["strategy"] = 7;
    REQUIRE_THROWS_AS(ptest::load<SimpleImputer>(bad), prognos::parse_error);
    bad = store;
    bad["column_types"] = std::vector<int>{1};
    REQUIRE_THROWS_AS(ptest::load<SimpleImputer>(bad), prognos::parse_error);
}
