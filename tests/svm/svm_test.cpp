// SPDX-License-Identifier: Apache-2.0
// SVC, SVR and OneClassSVM: agreement with scikit-learn fixtures (tests/data/svm, written by
// gen_svm_fixtures.py with scikit-learn 1.2.1), the cases that concern SVMs, degenerate input,
// artifacts and pipelines.

#include <prognos/data/csv.hpp>
#include <prognos/io/artifact.hpp>
#include <prognos/io/json_archive.hpp>
#include <prognos/pipeline/pipeline.hpp>
#include <prognos/preprocessing/standard_scaler.hpp>
#include <prognos/svm.hpp>
#include <prognos/svm/detail/kernel_cache.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

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

const nlohmann::json& fixtures() {
    static const nlohmann::json all =
        ptest::read_json(std::string(PROGNOS_TEST_DATA_DIR) + "/svm/svm_fixtures.json");
    return all;
}

nlohmann::json fixture(const std::string& name) {
    for (const auto& c : fixtures()["cases"]) {
        if (c["name"] == name) {
            return c;
        }
    }
    throw std::runtime_error("no fixture " + name);
}

Kernel kernel_of(const nlohmann::json& c) {
    return c["kernel"] == "linear" ? Kernel::linear : Kernel::rbf;
}

std::vector<int> ints(const nlohmann::json& a) {
    return a.get<std::vector<int>>();
}

IntVector int_vector(const nlohmann::json& a) {
    const std::vector<int> v = ints(a);
    return Eigen::Map<const IntVector>(v.data(), static_cast<prognos::Index>(v.size()));
}

Vector vector_of(const nlohmann::json& a) {
    const auto v = a.get<std::vector<double>>();
    return Eigen::Map<const Vector>(v.data(), static_cast<prognos::Index>(v.size()));
}

// Two Gaussian blobs, seeded: class 0 around (0, 0), class 1 around (2, 2).
void blobs(int n, Matrix& X, IntVector& y, std::uint64_t seed) {
    prognos::Random rng(seed);
    X.resize(2 * n, 2);
    y.resize(2 * n);
    for (int i = 0; i < 2 * n; ++i) {
        const double c = i < n ? 0.0 : 2.0;
        for (int j = 0; j < 2; ++j) {
            // Sum of uniforms: roughly normal, enough for a test of shape.
            X(i, j) = c + (rng.uniform01() + rng.uniform01() + rng.uniform01() - 1.5);
        }
        y[i] = i < n ? 0 : 1;
    }
}

} // namespace

// The solver runs to tol 1e-7 on both sides, so the optimum is the same up to the float
// kernel cache (about 1e-7 relative); 1e-4 absolute on coefficients is far above that and far
// below any real difference.
TEST_CASE("SVC agrees with scikit-learn on dual coefficients and support vectors",
          "[svm][svc][sklearn]") {
    for (const char* name : {"binary_linear", "binary_rbf", "three_rbf", "three_linear"}) {
        INFO(name);
        const auto c = fixture(name);
        SVC::Params p;
        p.kernel = kernel_of(c);
        p.C = c["C"].get<double>();
        p.gamma = Gamma::of(c["gamma"].get<double>());
        p.tol = fixtures()["tol"].get<double>();
        SVC svc(p);
        svc.fit(ptest::json_matrix(c["X"]), int_vector(c["y"]));

        CHECK(ints(c["classes"]) ==
              std::vector<int>(svc.classes().data(), svc.classes().data() + svc.n_classes()));
        CHECK(ints(c["support"]) ==
              std::vector<int>(svc.support().data(), svc.support().data() + svc.support().size()));
        CHECK(ints(c["n_support"]) ==
              std::vector<int>(svc.n_support().data(),
                               svc.n_support().data() + svc.n_support().size()));
        const Matrix coef = ptest::json_matrix(c["coef"]);
        REQUIRE(coef.rows() == svc.dual_coef().rows());
        REQUIRE(coef.cols() == svc.dual_coef().cols());
        CHECK((coef - svc.dual_coef()).cwiseAbs().maxCoeff() < 1e-4);
        CHECK((vector_of(c["rho"]) - svc.rho()).cwiseAbs().maxCoeff() < 1e-4);
        CHECK(svc.status().objective == Approx(c["objective"].get<double>()).epsilon(1e-6));
        CHECK(svc.status().converged);

        const Matrix Xt = ptest::json_matrix(c["X_test"]);
        const Matrix dec = ptest::json_matrix(c["decision"]);
        // scikit-learn's default decision_function_shape is 'ovr' for several classes; compare
        // the 'ovo' values through the labels instead, and the raw values for two classes.
        if (svc.n_classes() == 2) {
            CHECK((svc.decision_function(Xt) - dec).cwiseAbs().maxCoeff() < 1e-4);
        }
        const IntVector pred = svc.predict(Xt);
        CHECK(ints(c["predict"]) == std::vector<int>(pred.data(), pred.data() + pred.size()));
    }
}

TEST_CASE("SVR agrees with scikit-learn", "[svm][svr][sklearn]") {
    const auto c = fixture("svr_rbf");
    SVR::Params p;
    p.C = c["C"].get<double>();
    p.epsilon = c["epsilon"].get<double>();
    p.gamma = Gamma::of(c["gamma"].get<double>());
    p.tol = fixtures()["tol"].get<double>();
    SVR svr(p);
    svr.fit(ptest::json_matrix(c["X"]), vector_of(c["y"]));
    CHECK(ints(c["support"]) ==
          std::vector<int>(svr.support().data(), svr.support().data() + svr.support().size()));
    REQUIRE(svr.dual_coef().size() == static_cast<prognos::Index>(c["coef"].size()));
    CHECK((svr.dual_coef() - vector_of(c["coef"])).cwiseAbs().maxCoeff() < 1e-4);
    CHECK(svr.intercept() == Approx(c["intercept"].get<double>()).margin(1e-4));
    CHECK(svr.status().objective == Approx(c["objective"].get<double>()).epsilon(1e-6));
    const Matrix Xt = ptest::json_matrix(c["X_test"]);
    CHECK((svr.predict(Xt) - vector_of(c["predict"])).cwiseAbs().maxCoeff() < 1e-4);
    // The single-row path gives the batch answer.
    for (prognos::Index i = 0; i < Xt.rows(); ++i) {
        const double x = Xt(i, 0);
        CHECK(svr.predict_row(&x) == Approx(svr.predict(Xt)[i]).margin(1e-12));
    }
}

TEST_CASE("OneClassSVM agrees with scikit-learn and finds planted outliers",
          "[svm][one_class][sklearn]") {
    const auto c = fixture("one_class_rbf");
    OneClassSVM::Params p;
    p.nu = c["nu"].get<double>();
    p.gamma = Gamma::of(c["gamma"].get<double>());
    p.tol = fixtures()["tol"].get<double>();
    OneClassSVM oc(p);
    oc.fit(ptest::json_matrix(c["X"]));
    CHECK(ints(c["support"]) ==
          std::vector<int>(oc.support().data(), oc.support().data() + oc.support().size()));
    CHECK((oc.dual_coef() - vector_of(c["coef"])).cwiseAbs().maxCoeff() < 1e-4);
    CHECK(oc.offset() == Approx(c["offset"].get<double>()).margin(1e-4));
    CHECK(oc.status().objective == Approx(c["objective"].get<double>()).epsilon(1e-6));
    const Matrix Xt = ptest::json_matrix(c["X_test"]);
    CHECK((oc.decision_function(Xt) - vector_of(c["decision"])).cwiseAbs().maxCoeff() < 1e-4);
    const IntVector pred = oc.predict(Xt);
    // The first four test rows are the planted outliers, the last four ordinary rows.
    CHECK(std::vector<int>(pred.data(), pred.data() + 8) ==
          std::vector<int>{-1, -1, -1, -1, 1, 1, 1, 1});
    // nu bounds the training fraction outside from above: at most 10% of 60 rows.
    const IntVector train_pred = oc.predict(ptest::json_matrix(c["X"]));
    CHECK((train_pred.array() < 0).count() <= 6);
}

TEST_CASE("Case 014 SVC probabilities agree with predict and sum to 1", "[svm][svc][cases]") {
    const prognos::Table t = prognos::read_csv(std::string(PROGNOS_TEST_DATA_DIR) +
                                               "/cases/014-svm-proba-vs-predict/input.csv");
    const prognos::Labels labels = prognos::labels_from_column(t.column(std::string_view{"label"}));
    const Matrix X = t.drop({"label"}).to_matrix();
    SVC::Params p;
    p.probability = true;
    p.seed = 3;
    SVC svc(p);
    svc.fit(X, labels.y);
    REQUIRE(svc.n_classes() == 3);
    const Matrix P = svc.predict_proba(X);
    const IntVector pred = svc.predict(X);
    REQUIRE(P.cols() == 3);
    for (prognos::Index i = 0; i < X.rows(); ++i) {
        prognos::Index best = 0;
        P.row(i).maxCoeff(&best);
        CHECK(svc.classes()[best] == pred[i]);
        CHECK(P.row(i).sum() == Approx(1.0).margin(1e-9));
        CHECK(P.row(i).minCoeff() >= 0.0);
        CHECK(P.row(i).maxCoeff() <= 1.0);
        // Single-row paths give the same label and probabilities.
        const Eigen::RowVectorXd row = X.row(i);
        CHECK(svc.predict_row(row.data()) == pred[i]);
        double out[3];
        svc.predict_proba_row(row.data(), out);
        for (int c = 0; c < 3; ++c) {
            CHECK(out[c] == Approx(P(i, c)).margin(1e-12));
        }
    }
    // Deterministic for a fixed seed: a second fit gives identical probabilities.
    SVC again(p);
    again.fit(X, labels.y);
    CHECK(again.predict_proba(X) == P);

    // Through a pipeline with class names: the columns follow class_names().
    auto pipe = prognos::make_pipeline(prognos::StandardScaler{}, SVC(p));
    pipe.fit(t, "label");
    CHECK(pipe.class_names().size() == 3);
    const Matrix PP = pipe.predict_proba(t);
    const IntVector pp = pipe.predict(t);
    for (prognos::Index i = 0; i < PP.rows(); ++i) {
        prognos::Index best = 0;
        PP.row(i).maxCoeff(&best);
        CHECK(pipe.model().classes()[best] == pp[i]);
        CHECK(PP.row(i).sum() == Approx(1.0).margin(1e-9));
    }
}

TEST_CASE("SVC probabilities stay finite with identical training rows", "[svm][svc][cases]") {
    // Case 014, last expectation: duplicated points with the same label must not make the
    // calibration produce NaN. Six copies of each of two points per class.
    Matrix X(24, 2);
    IntVector y(24);
    for (int i = 0; i < 24; ++i) {
        const int cls = i / 8;
        X(i, 0) = cls + (i % 2) * 0.1;
        X(i, 1) = -cls;
        y[i] = cls;
    }
    SVC::Params p;
    p.probability = true;
    SVC svc(p);
    svc.fit(X, y);
    const Matrix P = svc.predict_proba(X);
    CHECK(P.allFinite());
    for (prognos::Index i = 0; i < P.rows(); ++i) {
        CHECK(P.row(i).sum() == Approx(1.0).margin(1e-9));
    }
    CHECK(svc.predict(X) == y);
}

TEST_CASE("Case 015 SVC refuses a single class and names it", "[svm][svc][cases]") {
    const std::string path =
        std::string(PROGNOS_TEST_DATA_DIR) + "/cases/015-classifier-single-class/input.csv";
    const Matrix X = ptest::read_case015_features();
    for (Kernel k : {Kernel::linear, Kernel::rbf}) {
        SVC::Params p;
        p.kernel = k;
        SVC svc(p);
        REQUIRE_THROWS_AS(svc.fit(X, IntVector::Constant(X.rows(), 5)), prognos::invalid_argument);
        REQUIRE_THROWS_WITH(svc.fit(X, IntVector::Constant(X.rows(), 5)),
                            ptest::contains("at least 2 classes") && ptest::contains("class 5"));
        CHECK_FALSE(svc.is_fitted());
        // Through a pipeline on the table, the message names the category text.
        auto pipe = prognos::make_pipeline(prognos::StandardScaler{}, SVC(p));
        REQUIRE_THROWS_WITH(pipe.fit(prognos::read_csv(path), "status"),
                            ptest::contains("at least 2 classes") && ptest::contains("'normal'"));
        CHECK_FALSE(pipe.is_fitted());
    }
}

TEST_CASE("SVMs reject bad hyper-parameters with a message naming them", "[svm]") {
    Matrix X;
    IntVector y;
    blobs(10, X, y, 1);
    SVC::Params p;
    p.C = 0.0;
    REQUIRE_THROWS_WITH(SVC(p).fit(X, y), ptest::contains("SVC::fit: C must be > 0, got 0"));
    p.C = -1.0;
    REQUIRE_THROWS_WITH(SVC(p).fit(X, y), ptest::contains("C must be > 0"));
    p = SVC::Params{};
    p.gamma = Gamma::of(0.0);
    REQUIRE_THROWS_WITH(SVC(p).fit(X, y), ptest::contains("gamma must be > 0"));
    p.gamma = Gamma::of(-2.0);
    REQUIRE_THROWS_WITH(SVC(p).fit(X, y), ptest::contains("gamma must be > 0"));
    p = SVC::Params{};
    p.tol = 0.0;
    REQUIRE_THROWS_WITH(SVC(p).fit(X, y), ptest::contains("tol must be > 0"));
    p = SVC::Params{};
    p.class_weight[9] = 2.0;
    REQUIRE_THROWS_WITH(SVC(p).fit(X, y), ptest::contains("class_weight names class 9"));
    p = SVC::Params{};
    p.kernel = Kernel::poly;
    p.degree = 0;
    REQUIRE_THROWS_WITH(SVC(p).fit(X, y), ptest::contains("degree must be >= 1"));

    SVR::Params rp;
    rp.epsilon = -0.1;
    REQUIRE_THROWS_WITH(SVR(rp).fit(X, Vector::Zero(X.rows())),
                        ptest::contains("epsilon must be >= 0"));
    OneClassSVM::Params op;
    op.nu = 0.0;
    REQUIRE_THROWS_WITH(OneClassSVM(op).fit(X), ptest::contains("nu must be in (0, 1]"));
    op.nu = 1.5;
    REQUIRE_THROWS_WITH(OneClassSVM(op).fit(X), ptest::contains("nu must be in (0, 1]"));
}

TEST_CASE("SVMs report NaN in X as bad_value naming row and feature", "[svm]") {
    Matrix X;
    IntVector y;
    blobs(10, X, y, 2);
    X(3, 1) = std::nan("");
    REQUIRE_THROWS_AS(SVC().fit(X, y), prognos::bad_value);
    REQUIRE_THROWS_WITH(SVC().fit(X, y), ptest::contains("row 3 (the 4th), feature 1 is NaN"));
    REQUIRE_THROWS_AS(SVR().fit(X, Vector::Zero(X.rows())), prognos::bad_value);
    REQUIRE_THROWS_AS(OneClassSVM().fit(X), prognos::bad_value);
    Matrix Xok;
    blobs(10, Xok, y, 2);
    SVC svc;
    svc.fit(Xok, y);
    REQUIRE_THROWS_AS(svc.predict(X), prognos::bad_value);
    Vector yr = Vector::Zero(Xok.rows());
    yr[4] = std::numeric_limits<double>::infinity();
    REQUIRE_THROWS_AS(SVR().fit(Xok, yr), prognos::bad_value);
}

TEST_CASE("SVC on identical rows with two labels gives a finite documented result", "[svm][svc]") {
    // Every row is (1, 2): the kernel matrix is all ones, so no boundary exists. The solver
    // must stop (the curvature of every pair is 0 and steps are clipped to the box) and the
    // model predicts the class with the larger total bound C (here the majority, class 1) for
    // every input, with finite decision values.
    Matrix X = Matrix::Constant(9, 2, 1.0);
    X.col(1).setConstant(2.0);
    IntVector y(9);
    y << 0, 0, 0, 0, 1, 1, 1, 1, 1;
    for (Kernel k : {Kernel::linear, Kernel::rbf}) {
        SVC::Params p;
        p.kernel = k;
        SVC svc(p);
        svc.fit(X, y);
        CHECK(svc.status().converged);
        const Matrix d = svc.decision_function(X);
        CHECK(d.allFinite());
        CHECK((svc.predict(X).array() == 1).all());
    }
}

TEST_CASE("SVC ignores a constant column and handles constant data through gamma scale",
          "[svm][svc]") {
    Matrix X;
    IntVector y;
    blobs(15, X, y, 3);
    Matrix Xc(X.rows(), 3);
    Xc << X, Matrix::Constant(X.rows(), 1, 7.0);
    SVC::Params p;
    p.gamma = Gamma::of(0.5);
    SVC a(p);
    SVC b(p);
    a.fit(X, y);
    b.fit(Xc, y);
    // A constant column adds nothing to any distance: same support vectors and labels.
    CHECK(a.support() == b.support());
    CHECK(a.predict(X) == b.predict(Xc));
    // All-constant data: Var(X) = 0, so gamma 'scale' falls back to 1 (as scikit-learn).
    SVC c;
    c.fit(Matrix::Constant(6, 2, 3.0), (IntVector(6) << 0, 1, 0, 1, 0, 1).finished());
    CHECK(c.kernel().gamma == 1.0);
    CHECK(c.decision_function(Matrix::Constant(1, 2, 3.0)).allFinite());
}

TEST_CASE("Gamma rules scale and automatic follow scikit-learn's formulas", "[svm][kernel]") {
    // X = [[0, 2], [2, 0]]: mean 1, every entry 1 away, Var = 1; scale = 1 / (2 * 1).
    Matrix X(2, 2);
    X << 0, 2, 2, 0;
    const IntVector y = (IntVector(2) << 0, 1).finished();
    SVC s;
    s.fit(X, y);
    CHECK(s.kernel().gamma == 0.5);
    SVC::Params p;
    p.gamma = Gamma::automatic();
    SVC a(p);
    a.fit(X * 10.0, y);
    CHECK(a.kernel().gamma == 0.5); // 1 / n_features, whatever the scale of X
}

TEST_CASE("SVC reports non-convergence through status without throwing", "[svm][svc]") {
    Matrix X;
    IntVector y;
    blobs(40, X, y, 4);
    SVC::Params p;
    p.max_iter = 3;
    p.tol = 1e-9;
    SVC svc(p);
    REQUIRE_NOTHROW(svc.fit(X, y));
    CHECK_FALSE(svc.status().converged);
    CHECK(svc.status().n_iter == 3);
    CHECK(svc.decision_function(X).allFinite());
}

TEST_CASE("SVC shrinking and cache size change speed only", "[svm][svc]") {
    Matrix X;
    IntVector y;
    blobs(60, X, y, 5);
    SVC::Params p;
    p.tol = 1e-8;
    SVC a(p);
    a.fit(X, y);
    p.shrinking = false;
    p.cache_size = 1e-6; // two rows: every other row recomputed
    SVC b(p);
    b.fit(X, y);
    CHECK(a.support() == b.support());
    CHECK((a.dual_coef() - b.dual_coef()).cwiseAbs().maxCoeff() < 1e-5);
}

TEST_CASE("SVC class_weight moves the boundary toward the lighter class", "[svm][svc]") {
    Matrix X;
    IntVector y;
    blobs(30, X, y, 6);
    SVC plain;
    plain.fit(X, y);
    SVC::Params p;
    p.class_weight[1] = 10.0;
    SVC heavy(p);
    heavy.fit(X, y);
    // Up-weighting class 1 makes its errors dearer: at least as many rows predicted 1.
    CHECK((heavy.predict(X).array() == 1).count() >= (plain.predict(X).array() == 1).count());
    SVC::Params b;
    b.class_weight_balanced = true;
    REQUIRE_NOTHROW(SVC(b).fit(X, y)); // balanced data: weights 1, same model as plain
    CHECK(SVC(b).fit(X, y).dual_coef() == plain.dual_coef());
}

TEST_CASE("SVC kernels poly and sigmoid fit and predict finite values", "[svm][svc]") {
    Matrix X;
    IntVector y;
    blobs(20, X, y, 7);
    for (Kernel k : {Kernel::poly, Kernel::sigmoid, Kernel::linear, Kernel::rbf}) {
        SVC::Params p;
        p.kernel = k;
        p.coef0 = 1.0;
        SVC svc(p);
        svc.fit(X, y);
        CHECK(svc.decision_function(X).allFinite());
        const double acc = (svc.predict(X).array() == y.array()).cast<double>().mean();
        CHECK(acc > (k == Kernel::sigmoid ? 0.5 : 0.8));
    }
}

TEST_CASE("SVC predict_proba without probability is a clear error", "[svm][svc]") {
    Matrix X;
    IntVector y;
    blobs(10, X, y, 8);
    SVC svc;
    svc.fit(X, y);
    REQUIRE_THROWS_WITH(svc.predict_proba(X), ptest::contains("probability = false"));
    REQUIRE_THROWS_AS(SVC().predict(X), prognos::not_fitted);
    REQUIRE_THROWS_WITH(svc.predict(Matrix::Zero(2, 3)), ptest::contains("expected 2 features"));
}

TEST_CASE("SVM artifacts round-trip with bit-identical predictions", "[svm][io]") {
    Matrix X;
    IntVector y;
    blobs(25, X, y, 9);
    IntVector y3 = y;
    for (prognos::Index i = 0; i < y3.size(); i += 3) {
        y3[i] = 2;
    }
    SVC::Params p;
    p.probability = true;
    p.class_weight[2] = 1.5;
    SVC svc(p);
    svc.fit(X, y3);
    SVC loaded;
    prognos::io::from_artifact_bytes(prognos::io::to_artifact_bytes(svc), loaded, "mem");
    CHECK(loaded.predict_proba(X) == svc.predict_proba(X));
    CHECK(loaded.decision_function(X) == svc.decision_function(X));
    CHECK(loaded.predict(X) == svc.predict(X));
    CHECK(loaded.params().class_weight.at(2) == 1.5);
    CHECK(loaded.support() == svc.support());

    SVR svr;
    svr.fit(X, X.col(0) * 2.0);
    SVR svr2;
    prognos::io::from_artifact_bytes(prognos::io::to_artifact_bytes(svr), svr2, "mem");
    CHECK(svr2.predict(X) == svr.predict(X));

    OneClassSVM oc;
    oc.fit(X);
    OneClassSVM oc2;
    prognos::io::from_artifact_bytes(prognos::io::to_artifact_bytes(oc), oc2, "mem");
    CHECK(oc2.decision_function(X) == oc.decision_function(X));
}

TEST_CASE("Damaged SVM state is refused at load time", "[svm][io]") {
    Matrix X;
    IntVector y;
    blobs(10, X, y, 10);
    SVC svc;
    svc.fit(X, y);
    const nlohmann::json good = prognos::io::to_json(svc);
    auto damaged = [&](const char* key, const nlohmann::json& value) {
        nlohmann::json j = good;
        j[key] = value;
        SVC out;
        prognos::io::from_json(j, out);
    };
    REQUIRE_THROWS_AS(damaged("rho", nlohmann::json::array()), prognos::parse_error);
    REQUIRE_THROWS_AS(damaged("classes", nlohmann::json::array({1, 0})), prognos::parse_error);
    REQUIRE_THROWS_AS(damaged("n_support", nlohmann::json::array({1, 1})), prognos::parse_error);
    REQUIRE_THROWS_AS(damaged("kernel_type", 9), prognos::parse_error);
    REQUIRE_THROWS_AS(damaged("kernel_gamma", -1.0), prognos::parse_error);
    REQUIRE_THROWS_AS(damaged("n_features", 0), prognos::parse_error);
}

TEST_CASE("Pipeline StandardScaler then SVC fits predicts saves and loads",
          "[svm][svc][pipeline]") {
    Matrix X;
    IntVector y;
    blobs(40, X, y, 11);
    X.col(1) *= 1000.0; // scales far apart: the scaler matters
    auto pipe = prognos::make_pipeline(prognos::StandardScaler{}, SVC{});
    pipe.fit(X, y);
    const IntVector pred = pipe.predict(X);
    CHECK((pred.array() == y.array()).cast<double>().mean() > 0.85);
    CHECK(decltype(pipe)::type_name() == "Pipeline<StandardScaler,SVC>");
    decltype(pipe) loaded;
    prognos::io::from_artifact_bytes(prognos::io::to_artifact_bytes(pipe), loaded, "mem");
    CHECK(loaded.predict(X) == pred);

    auto reg = prognos::make_pipeline(prognos::StandardScaler{}, SVR{});
    reg.fit(X, Vector(X.col(0)));
    decltype(reg) reg2;
    prognos::io::from_artifact_bytes(prognos::io::to_artifact_bytes(reg), reg2, "mem");
    CHECK(reg2.predict(X) == reg.predict(X));
}

// 2 × 2200 rows: each kernel row is longer than the 4096 values from which the solver hands
// half a row to its worker thread, so n_jobs = 2 really splits rows. Every value is computed by
// the same 16-wide block code on either thread, so the fits must agree bit for bit.
TEST_CASE("SVMs fit the same model for n_jobs 1 and 2", "[svm][threads]") {
    Matrix X;
    IntVector y;
    blobs(2200, X, y, 21);

    SVC::Params p;
    p.n_jobs = 1;
    SVC one(p);
    one.fit(X, y);
    p.n_jobs = 2;
    SVC two(p);
    two.fit(X, y);
    CHECK(one.support() == two.support());
    CHECK(one.dual_coef() == two.dual_coef());
    CHECK(one.rho() == two.rho());
    CHECK(one.status().n_iter == two.status().n_iter);

    OneClassSVM::Params op;
    op.n_jobs = 1;
    OneClassSVM oc1(op);
    oc1.fit(X);
    op.n_jobs = 2;
    OneClassSVM oc2(op);
    oc2.fit(X);
    CHECK(oc1.support() == oc2.support());
    CHECK(oc1.dual_coef() == oc2.dual_coef());
    CHECK(oc1.offset() == oc2.offset());

    // SVR holds 2 × 4400 variables over 4400 data rows; its rows are split the same way.
    const Vector target = X.col(0) + X.col(1);
    SVR::Params rp;
    rp.n_jobs = 1;
    SVR r1(rp);
    r1.fit(X, target);
    rp.n_jobs = 2;
    SVR r2(rp);
    r2.fit(X, target);
    CHECK(r1.support() == r2.support());
    CHECK(r1.dual_coef() == r2.dual_coef());
    CHECK(r1.intercept() == r2.intercept());
}

TEST_CASE("SVMs reject n_jobs below -1 naming the estimator", "[svm][threads]") {
    Matrix X;
    IntVector y;
    blobs(10, X, y, 3);
    SVC::Params p;
    p.n_jobs = -2;
    REQUIRE_THROWS_WITH(SVC(p).fit(X, y),
                        ptest::contains("SVC::fit: n_jobs must be positive, 0 or -1"));
    SVR::Params rp;
    rp.n_jobs = -3;
    REQUIRE_THROWS_WITH(SVR(rp).fit(X, Vector::Zero(X.rows())),
                        ptest::contains("SVR::fit: n_jobs must be positive, 0 or -1"));
    OneClassSVM::Params op;
    op.n_jobs = -5;
    REQUIRE_THROWS_WITH(OneClassSVM(op).fit(X),
                        ptest::contains("OneClassSVM::fit: n_jobs must be positive"));
}

// The RBF rows are computed in float from centred data, summing squared differences. Rows that
// sit far from the origin and close to each other are where |x|² + |y|² - 2 x·y in float would
// lose every digit; here the distances come out to float precision of the differences: checked
// against the kernel in double, value by value.
TEST_CASE("SVM float RBF rows stay accurate for close rows far from the origin", "[svm][kernel]") {
    const prognos::Index n = 37; // not a multiple of the 16-wide blocks
    Matrix X(n, 3);
    prognos::Random rng(8);
    for (prognos::Index i = 0; i < n; ++i) {
        for (prognos::Index j = 0; j < 3; ++j) {
            X(i, j) = 1.0e4 * static_cast<double>(j + 1) + 0.01 * rng.uniform01();
        }
    }
    prognos::KernelSpec spec;
    spec.type = Kernel::rbf;
    spec.gamma = 5000.0; // distances² ~ 1e-4, so gamma · distance² ~ 1
    prognos::detail::KernelRows rows(X, spec);
    std::vector<float> out(static_cast<std::size_t>(n));
    double worst = 0.0;
    for (prognos::Index i = 0; i < n; ++i) {
        // A prefix from an offset that is not a block boundary, as the cache asks for.
        rows.row(i, 5, n, out.data() + 5);
        for (prognos::Index k = 5; k < n; ++k) {
            const double exact = std::exp(-spec.gamma * (X.row(i) - X.row(k)).squaredNorm());
            worst = std::max(
                worst, std::abs(static_cast<double>(out[static_cast<std::size_t>(k)]) - exact));
        }
    }
    // Centred values are ~0.005 and kept to float precision (~3e-10 absolute), so a distance²
    // of ~1e-4 is off by ~1e-10 · 0.01 · 6 ≈ 1e-11 and gamma · distance² by ~1e-7; the float exp
    // adds ~1e-7. Without centring, float would keep 1e4 only to ~1e-3 and lose every distance.
    CHECK(worst < 1e-6);
}
