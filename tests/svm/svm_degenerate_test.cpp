// SPDX-License-Identifier: Apache-2.0
// SVMs on degenerate input: kernel values beyond the float cache, data whose variance
// overflows, fits that would run for minutes, one-class boundaries with every row on them, and
// artifacts whose hyper-parameters were tampered with.

#include <prognos/core/random.hpp>
#include <prognos/io/artifact.hpp>
#include <prognos/io/json_archive.hpp>
#include <prognos/svm.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

#include "support/catch.hpp"
#include "tree/tree_test_support.hpp"

using prognos::Gamma;
using prognos::IntVector;
using prognos::Kernel;
using prognos::Matrix;
using prognos::OneClassSVM;
using prognos::SVC;
using prognos::SVR;
using prognos::Vector;

namespace {

// Readings shaped like AI4I's unscaled columns (air K, process K, rpm, torque Nm, wear min),
// seeded, with a label that depends on torque and wear.
void ai4i_like(int n, Matrix& X, IntVector& y) {
    prognos::Random rng(7);
    X.resize(n, 5);
    y.resize(n);
    for (int i = 0; i < n; ++i) {
        X(i, 0) = 298.0 + 2.0 * rng.uniform01();
        X(i, 1) = 308.0 + 2.0 * rng.uniform01();
        X(i, 2) = 1300.0 + 1500.0 * rng.uniform01();
        X(i, 3) = 10.0 + 60.0 * rng.uniform01();
        X(i, 4) = 250.0 * rng.uniform01();
        y[i] = X(i, 3) * X(i, 4) > 7000.0 ? 1 : 0;
    }
}

} // namespace

TEST_CASE("SVMs refuse kernel values that overflow the float kernel cache", "[svm][degenerate]") {
    Matrix X;
    IntVector y;
    ai4i_like(60, X, y);
    // poly degree 7, gamma 1 on unscaled rows: the diagonal alone is about (3e6)^7 = 2e45.
    SVC::Params p;
    p.kernel = Kernel::poly;
    p.degree = 7;
    p.gamma = Gamma::of(1.0);
    REQUIRE_THROWS_AS(SVC(p).fit(X, y), prognos::numerical_error);
    REQUIRE_THROWS_WITH(SVC(p).fit(X, y),
                        ptest::contains("SVC::fit: kernel values overflow") &&
                            ptest::contains("scale the input"));

    // linear with X * 1e25: dot products about 1e50 > 3.4e38.
    SVC::Params lin;
    lin.kernel = Kernel::linear;
    REQUIRE_THROWS_AS(SVC(lin).fit(X * 1e25, y), prognos::numerical_error);
    // poly degree 60 on X * 100 with gamma 1/d: gamma x·y is about 1e10, to the 60th power.
    SVC::Params p60;
    p60.kernel = Kernel::poly;
    p60.degree = 60;
    p60.gamma = Gamma::automatic();
    REQUIRE_THROWS_AS(SVC(p60).fit(X * 100.0, y), prognos::numerical_error);

    SVR::Params rp;
    rp.kernel = Kernel::poly;
    rp.degree = 7;
    rp.gamma = Gamma::of(1.0);
    REQUIRE_THROWS_WITH(SVR(rp).fit(X, X.col(3)),
                        ptest::contains("SVR::fit: kernel values overflow"));
    OneClassSVM::Params op;
    op.kernel = Kernel::linear;
    REQUIRE_THROWS_WITH(OneClassSVM(op).fit(X * 1e25),
                        ptest::contains("OneClassSVM::fit: kernel values overflow"));

    // poly with a negative coef0: the diagonal (gamma |x|² - 1)^d is 0 for these two rows, but
    // the off-diagonal (gamma x·y - 1)^d = (-2)^200 ~ 1.6e60 is not; the row check finds it.
    Matrix Z(2, 1);
    Z << 1.0, -1.0;
    SVC::Params neg;
    neg.kernel = Kernel::poly;
    neg.degree = 200;
    neg.gamma = Gamma::of(1.0);
    neg.coef0 = -1.0;
    IntVector yz(2);
    yz << 0, 1;
    REQUIRE_THROWS_WITH(SVC(neg).fit(Z, yz), ptest::contains("kernel values overflow"));

    // The same data scaled fit and converge to a finite model.
    const Matrix Xs = (X.rowwise() - X.colwise().mean()).array().rowwise() /
                      ((X.rowwise() - X.colwise().mean()).array().square().colwise().mean().sqrt());
    p.gamma = Gamma::of(0.1);
    SVC ok(p);
    ok.fit(Xs, y);
    CHECK(std::isfinite(ok.status().objective));
    CHECK(ok.decision_function(Xs).allFinite());
}

TEST_CASE("Gamma scale refuses data whose variance overflows", "[svm][degenerate][kernel]") {
    Matrix X;
    IntVector y;
    ai4i_like(20, X, y);
    // Entries of 1e160: their squares (1e320) overflow, Var = inf and 1 / (d Var) = 0.
    const Matrix huge = X * 1e158;
    REQUIRE_THROWS_AS(SVC().fit(huge, y), prognos::numerical_error);
    REQUIRE_THROWS_WITH(SVC().fit(huge, y),
                        ptest::contains("SVC::fit: gamma = scale cannot be computed") &&
                            ptest::contains("variance"));
    REQUIRE_THROWS_WITH(OneClassSVM().fit(huge),
                        ptest::contains("OneClassSVM::fit: gamma = scale"));
    REQUIRE_THROWS_WITH(SVR().fit(huge, X.col(0)), ptest::contains("SVR::fit: gamma = scale"));
    // A fixed gamma does not need the variance, but the rbf rows are computed in float from
    // the centred data, which cannot hold 1e161: also a numerical error, not a NaN model.
    SVC::Params p;
    p.gamma = Gamma::of(1.0);
    REQUIRE_THROWS_WITH(SVC(p).fit(huge, y),
                        ptest::contains("SVC::fit: the rbf kernel") &&
                            ptest::contains("scale the input"));
}

TEST_CASE("tiny data is refused by name, not fitted to NaN or to a constant",
          "[svm][degenerate][kernel]") {
    Matrix X;
    IntVector y;
    ai4i_like(40, X, y);
    const Matrix centred = X.rowwise() - X.colwise().mean();
    // Centred entries of at most 1e-21 (rpm +-750 times 1e-24), Var about 1e-44: gamma =
    // 1 / (5 Var) is about 1e43, infinite in the float rbf rows, where infinity times a zero
    // distance would be NaN.
    const Matrix tiny = centred * 1e-24;
    REQUIRE_THROWS_AS(SVC().fit(tiny, y), prognos::numerical_error);
    REQUIRE_THROWS_WITH(SVC().fit(tiny, y),
                        ptest::contains("SVC::fit: gamma ") &&
                            ptest::contains("beyond the float range"));
    REQUIRE_THROWS_WITH(OneClassSVM().fit(tiny), ptest::contains("beyond the float range"));
    // A millionth of that scale: the squares underflow double, Var is exactly 0, and the rows
    // differ, so this is not constant data and must not get constant data's gamma of 1.
    const Matrix tinier = centred * 1e-172;
    REQUIRE((tinier.array().square().sum() == 0.0));
    REQUIRE_THROWS_WITH(SVC().fit(tinier, y),
                        ptest::contains("gamma = scale cannot be computed") &&
                            ptest::contains("variance 0"));
    // Constant data still gets gamma 1 and a documented constant model.
    OneClassSVM one_class;
    REQUIRE_NOTHROW(one_class.fit(Matrix::Constant(40, 5, 1e-172)));
    // The linear kernel has no gamma: on data whose variance overflows, what stops it is its
    // own kernel values, and the message says so rather than blaming gamma = scale.
    SVC::Params linear;
    linear.kernel = Kernel::linear;
    REQUIRE_THROWS_WITH(SVC(linear).fit(X * 1e158, y),
                        ptest::contains("kernel values overflow") && !ptest::contains("gamma"));
}

TEST_CASE("SVM parameter errors show small values as they were given", "[svm][degenerate]") {
    Matrix X;
    IntVector y;
    ai4i_like(20, X, y);
    SVC::Params p;
    p.gamma = Gamma::of(-1e-9);
    REQUIRE_THROWS_WITH(SVC(p).fit(X, y), ptest::contains("got -1e-09"));
    SVC::Params c;
    c.C = -1e-7;
    REQUIRE_THROWS_WITH(SVC(c).fit(X, y), ptest::contains("got -1e-07"));
}

TEST_CASE("SVMs stop at the automatic iteration limit by default", "[svm][degenerate]") {
    // libsvm's cap, worked by hand: max(1e7, 100 n).
    CHECK(prognos::detail::default_max_iter(20) == 10'000'000);
    CHECK(prognos::detail::default_max_iter(200'000) == 20'000'000);
    // Random labels on 12 rows with C = 1e10 and a linear kernel: the data are not separable,
    // so the dual optimum has alphas near 1e10 that SMO approaches by tiny steps (with no
    // limit 200 such rows ran 1.1e9 iterations). The default max_iter = -1 now ends at the
    // cap and reports it, without an exception.
    prognos::Random rng(3);
    Matrix X(12, 2);
    IntVector y(12);
    for (int i = 0; i < 12; ++i) {
        X(i, 0) = rng.uniform01();
        X(i, 1) = rng.uniform01();
        y[i] = i % 2;
    }
    SVC::Params p;
    p.kernel = Kernel::linear;
    p.C = 1e10;
    SVC svc(p);
    REQUIRE_NOTHROW(svc.fit(X, y));
    CHECK_FALSE(svc.status().converged);
    CHECK(svc.status().n_iter == 10'000'000);
    CHECK(svc.decision_function(X).allFinite());
}

TEST_CASE("OneClassSVM flags at most nu of the training rows on degenerate data",
          "[svm][degenerate][one_class][sklearn]") {
    // Fixtures from tests/data/svm/gen_one_class_degenerate.py (scikit-learn 1.2.1).
    const nlohmann::json all =
        ptest::read_json(std::string(PROGNOS_TEST_DATA_DIR) + "/svm/one_class_degenerate.json");
    const double tol = all["tol"].get<double>();
    for (const auto& c : all["cases"]) {
        const std::string name = c["name"].get<std::string>();
        INFO(name);
        const Matrix X = ptest::json_matrix(c["X"]);
        const auto dec = c["decision"].get<std::vector<double>>();
        OneClassSVM::Params p;
        p.nu = c["nu"].get<double>();
        p.tol = tol;
        OneClassSVM oc(p);
        oc.fit(X);
        const Vector d = oc.decision_function(X);
        // Both solvers stop within tol of the optimum, so decisions agree within tol.
        for (prognos::Index i = 0; i < X.rows(); ++i) {
            CHECK(std::abs(d[i] - dec[static_cast<std::size_t>(i)]) <= tol);
        }
        // scikit-learn's sign rule flags most rows here; nu bounds prognos's fraction.
        CHECK(c["sklearn_outlier_fraction"].get<double>() > p.nu);
        const IntVector pred = oc.predict(X);
        const auto flagged = static_cast<double>((pred.array() < 0).count());
        CHECK(flagged <= p.nu * static_cast<double>(X.rows()));
        for (prognos::Index i = 0; i < X.rows(); ++i) {
            const Eigen::RowVectorXd row = X.row(i);
            CHECK(oc.predict_row(row.data()) == pred[i]);
        }
    }
    // Identical rows, worked by hand: every decision is exactly 0 (each row is the boundary)
    // and every row is an inlier.
    OneClassSVM ones;
    ones.fit(Matrix::Ones(40, 3));
    CHECK(ones.decision_function(Matrix::Ones(40, 3)).cwiseAbs().maxCoeff() <= 1e-12);
    CHECK((ones.predict(Matrix::Ones(40, 3)).array() == 1).all());
    // A row far away is still an outlier (rbf value 0: decision = -rho = -20 with gamma scale
    // 1 on constant data and Σ a = ν l = 20).
    const Matrix far = Matrix::Constant(1, 3, 50.0);
    CHECK(ones.decision_function(far)[0] == Approx(-20.0));
    CHECK(ones.predict(far)[0] == -1);
}

namespace {

// Loads `good` with one field replaced into a fresh Model; the error text when refused.
template <class Model>
std::string load_error(const nlohmann::json& good, const char* key, const nlohmann::json& v) {
    nlohmann::json j = good;
    REQUIRE(j.contains(key));
    j[key] = v;
    Model out;
    try {
        prognos::io::from_json(j, out);
    } catch (const prognos::parse_error& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("SVM loading checks hyper-parameters as fit does", "[svm][degenerate][io]") {
    Matrix X;
    IntVector y;
    ai4i_like(30, X, y);
    const Matrix Xs = (X.rowwise() - X.colwise().mean()).array().rowwise() /
                      ((X.rowwise() - X.colwise().mean()).array().square().colwise().mean().sqrt());
    SVC::Params p;
    p.kernel = Kernel::poly;
    p.gamma = Gamma::of(0.2);
    SVC svc(p);
    svc.fit(Xs, y);
    const nlohmann::json good = prognos::io::to_json(svc);
    // The untouched artifact loads (the checks below are what refuses, nothing else).
    CHECK(load_error<SVC>(good, "C", good["C"]).empty());
    CHECK_THAT(load_error<SVC>(good, "C", -3.0), ptest::contains("C must be > 0"));
    CHECK_THAT(load_error<SVC>(good, "tol", -3.0), ptest::contains("tol must be > 0"));
    CHECK_THAT(load_error<SVC>(good, "max_iter", 0), ptest::contains("max_iter must be"));
    CHECK_THAT(load_error<SVC>(good, "cache_size", 0.0), ptest::contains("cache_size"));
    CHECK_THAT(load_error<SVC>(good, "degree", 0), ptest::contains("degree must be >= 1"));
    CHECK_THAT(load_error<SVC>(good, "gamma", -1.0), ptest::contains("gamma must be > 0"));
    // Tampered fitted kernels: (0.2 x·x)^(2^31-1) and (1e300 x·x)^3 overflow for these rows.
    CHECK_THAT(load_error<SVC>(good, "kernel_degree", 2147483647),
               ptest::contains("kernel values overflow"));
    CHECK_THAT(load_error<SVC>(good, "kernel_gamma", 1e300),
               ptest::contains("kernel values overflow"));

    SVR::Params rp;
    rp.kernel = Kernel::poly;
    SVR svr(rp);
    svr.fit(Xs, Xs.col(0));
    const nlohmann::json rgood = prognos::io::to_json(svr);
    CHECK_THAT(load_error<SVR>(rgood, "epsilon", -1.0), ptest::contains("epsilon must be >= 0"));
    CHECK_THAT(load_error<SVR>(rgood, "C", 0.0), ptest::contains("C must be > 0"));
    CHECK_THAT(load_error<SVR>(rgood, "kernel_gamma", 1e300),
               ptest::contains("kernel values overflow"));

    OneClassSVM::Params op;
    op.kernel = Kernel::poly;
    OneClassSVM oc(op);
    oc.fit(Xs);
    const nlohmann::json ogood = prognos::io::to_json(oc);
    CHECK_THAT(load_error<OneClassSVM>(ogood, "nu", 2.0), ptest::contains("nu must be in (0, 1]"));
    CHECK_THAT(load_error<OneClassSVM>(ogood, "tol", 0.0), ptest::contains("tol must be > 0"));
    CHECK_THAT(load_error<OneClassSVM>(ogood, "kernel_degree", 2147483647),
               ptest::contains("kernel values overflow"));
}
