// SPDX-License-Identifier: Apache-2.0
#include <prognos/data/csv.hpp>
#include <prognos/preprocessing/min_max_scaler.hpp>
#include <prognos/preprocessing/standard_scaler.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "preprocessing/memory_archive.hpp"
#include "support/catch.hpp"

using prognos::Index;
using prognos::Matrix;
using prognos::MinMaxScaler;
using prognos::StandardScaler;

namespace {

std::string data_path(const std::string& relative) {
    return std::string(PROGNOS_TEST_DATA_DIR) + "/" + relative;
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();

Matrix fixture(const std::string& name) {
    return prognos::read_csv(data_path("preprocessing/" + name)).to_matrix();
}

/// Equal within `tol`, with NaN equal to NaN.
void require_close(const Matrix& got, const Matrix& want, double tol) {
    REQUIRE(got.rows() == want.rows());
    REQUIRE(got.cols() == want.cols());
    for (Index i = 0; i < got.rows(); ++i) {
        for (Index j = 0; j < got.cols(); ++j) {
            INFO("row " << i << ", column " << j << ": " << got(i, j) << " vs " << want(i, j));
            if (std::isnan(want(i, j))) {
                REQUIRE(std::isnan(got(i, j)));
            } else {
                REQUIRE(std::abs(got(i, j) - want(i, j)) <= tol);
            }
        }
    }
}

} // namespace

TEST_CASE("case 001: a constant column whose computed variance is not zero scales to zero",
          "[preprocessing][standard_scaler]") {
    const auto t = prognos::read_csv(data_path("cases/001-scaler-constant-feature/input.csv"));
    const Matrix X = t.select({"oil_temp", "vibration"}).to_matrix();
    StandardScaler scaler;
    const Matrix Z = scaler.fit_transform(X);

    for (Index i = 0; i < Z.rows(); ++i) {
        REQUIRE(std::abs(Z(i, 0)) < 1e-9);
    }
    REQUIRE(scaler.scale()(0) == 1.0); // detected as constant
    REQUIRE(scaler.mean()(0) == Approx(14.62).epsilon(1e-15));
    Matrix row(1, 2);
    row << 15.62, 10.5;
    REQUIRE(std::abs(scaler.transform(row)(0, 0) - 1.0) < 1e-9);

    // vibration 1..20: mean 10.5, population std sqrt((20^2 - 1) / 12) = 5.766281297335398.
    REQUIRE(scaler.mean()(1) == 10.5);
    REQUIRE(scaler.scale()(1) == Approx(5.766281297335398).epsilon(1e-15));
    REQUIRE(Z(0, 1) == Approx(-1.647508942).epsilon(1e-9));
    REQUIRE(Z(19, 1) == Approx(1.647508942).epsilon(1e-9));

    // Any constant, of any magnitude, behaves alike.
    for (double c : {100.0, 14.62, 0.1, -3.3, 1e10, 1e-9, 0.0, 299.15, 1e300}) {
        INFO(c);
        Matrix Y = X;
        Y.col(0).setConstant(c);
        StandardScaler s;
        const Matrix W = s.fit_transform(Y);
        REQUIRE(s.scale()(0) == 1.0);
        REQUIRE((W.col(0).array().abs() <= 1e-9 * std::max(1.0, std::abs(c))).all());
        REQUIRE(W.col(1) == Z.col(1));
    }
    // Many rows make the summation error larger; still constant.
    Matrix many = Matrix::Constant(100000, 1, 14.62);
    StandardScaler s;
    REQUIRE((s.fit_transform(many).array().abs() < 1e-9).all());
    REQUIRE(s.scale()(0) == 1.0);
}

TEST_CASE("small real variation on a large mean is not mistaken for a constant",
          "[preprocessing][standard_scaler]") {
    // Kelvin temperatures differing by 1e-6: the relative spread 3e-9 is far above rounding
    // noise, so the column is scaled to unit variance (values ±1).
    Matrix X(4, 1);
    X << 300.000001, 299.999999, 300.000001, 299.999999;
    StandardScaler s;
    const Matrix Z = s.fit_transform(X);
    REQUIRE(s.scale()(0) == Approx(1e-6).epsilon(1e-6));
    REQUIRE(Z(0, 0) == Approx(1.0).epsilon(1e-6));
    REQUIRE(Z(1, 0) == Approx(-1.0).epsilon(1e-6));
}

TEST_CASE("standard scaler matches scikit-learn and passes NaN through",
          "[preprocessing][standard_scaler]") {
    // Fixtures from tests/data/preprocessing/gen_scalers.py.
    const Matrix X = fixture("input.csv");
    StandardScaler scaler;
    require_close(scaler.fit_transform(X), fixture("standard.csv"), 1e-12);
    require_close(scaler.inverse_transform(scaler.transform(X)), X, 1e-9);
    StandardScaler::Params p;
    p.with_mean = false;
    require_close(StandardScaler(p).fit_transform(X), fixture("standard_no_mean.csv"), 1e-12);

    p = StandardScaler::Params{};
    p.with_std = false;
    const Matrix centred = StandardScaler(p).fit_transform(X);
    REQUIRE(centred(0, 2) == Approx(X(0, 2) - scaler.mean()(2)));
}

TEST_CASE("standard scaler rejects infinity and bad shapes", "[preprocessing][standard_scaler]") {
    Matrix X(3, 2);
    X << 1, 2, 3, std::numeric_limits<double>::infinity(), 5, 6;
    try {
        StandardScaler().fit(X);
        FAIL("no exception");
    } catch (const prognos::bad_value& e) {
        REQUIRE(e.row() == 1);
        REQUIRE(e.column() == 1);
        REQUIRE_THAT(e.what(),
                     ptest::contains("StandardScaler::fit: row 1 (the 2nd), feature 1 is inf"));
    }
    REQUIRE_THROWS_AS(StandardScaler().fit(Matrix(0, 3)), prognos::invalid_argument);
    StandardScaler s;
    s.fit(Matrix::Ones(2, 2));
    REQUIRE_THROWS_WITH(s.transform(Matrix::Ones(1, 3)),
                        "StandardScaler::transform: expected 2 features, got 3");
    REQUIRE_THROWS_AS(StandardScaler().transform(X), prognos::not_fitted);
    REQUIRE(s.feature_names_out() == std::vector<std::string>{"x0", "x1"});
    REQUIRE(s.feature_names_out({"a", "b"}) == std::vector<std::string>{"a", "b"});
    REQUIRE_THROWS_AS(s.feature_names_out({"a"}), prognos::invalid_argument);

    // An all-NaN column is left as NaN.
    Matrix Y(2, 2);
    Y << kNaN, 1, kNaN, 3;
    const Matrix Z = StandardScaler().fit_transform(Y);
    REQUIRE(std::isnan(Z(0, 0)));
    REQUIRE(Z(0, 1) == -1.0);
}

TEST_CASE("min-max scaler maps the training range and treats near-constant columns as constant",
          "[preprocessing][min_max_scaler]") {
    const Matrix X = fixture("input.csv");
    MinMaxScaler scaler;
    require_close(scaler.fit_transform(X), fixture("minmax.csv"), 1e-12);
    require_close(scaler.inverse_transform(scaler.transform(X)), X, 1e-9);
    MinMaxScaler::Params p;
    p.feature_range = {-1.0, 2.0};
    require_close(MinMaxScaler(p).fit_transform(X), fixture("minmax_m1_2.csv"), 1e-12);

    // Column 0 differs by one ulp (rounding noise): constant, so training rows map to the
    // range's low end and a new value x to low + (x - min) * (high - low) = -1 + 1 * 3 = 2.
    Matrix Y(3, 2);
    Y << 14.62, 1, 14.620000000000001, 2, 14.62, 3;
    MinMaxScaler s(p);
    const Matrix Z = s.fit_transform(Y);
    REQUIRE(((Z.col(0).array() + 1.0).abs() <= 1e-9).all());
    REQUIRE(Z(0, 1) == -1.0);
    REQUIRE(Z(1, 1) == 0.5); // (2 - 1) / 2 * 3 - 1
    REQUIRE(Z(2, 1) == 2.0);
    Matrix row(1, 2);
    row << 15.62, 5;
    const Matrix R = s.transform(row);
    REQUIRE(R(0, 0) == Approx(2.0).epsilon(1e-12));
    REQUIRE(R(0, 1) == 5.0); // beyond the training range: -1 + (5 - 1) / 2 * 3
    p.clip = true;
    MinMaxScaler clipped(p);
    clipped.fit(Y);
    REQUIRE(clipped.transform(row)(0, 1) == 2.0);

    p.feature_range = {1.0, 1.0};
    REQUIRE_THROWS_WITH(MinMaxScaler(p).fit(Y), ptest::contains("feature_range must be finite"));
}

TEST_CASE("scalers round-trip through an archive and check state on load",
          "[preprocessing][standard_scaler][min_max_scaler][serialize]") {
    const Matrix X = fixture("input.csv");
    StandardScaler standard;
    standard.fit(X);
    auto store = ptest::save(standard);
    const auto loaded = ptest::load<StandardScaler>(store);
    require_close(loaded.transform(X), standard.transform(X), 0.0);
    store["scale"] = prognos::Vector(prognos::Vector::Zero(3));
    REQUIRE_THROWS_WITH(ptest::load<StandardScaler>(store),
                        ptest::contains("scale must be finite and positive"));

    MinMaxScaler minmax;
    minmax.fit(X);
    auto store2 = ptest::save(minmax);
    require_close(ptest::load<MinMaxScaler>(store2).transform(X), minmax.transform(X), 0.0);
    store2["data_min"] = prognos::Vector(prognos::Vector::Zero(2));
    REQUIRE_THROWS_AS(ptest::load<MinMaxScaler>(store2), prognos::parse_error);
}
