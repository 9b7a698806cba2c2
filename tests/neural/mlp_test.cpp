// SPDX-License-Identifier: Apache-2.0
#include <prognos/core/random.hpp>
#include <prognos/data/csv.hpp>
#include <prognos/io/artifact.hpp>
#include <prognos/io/json_archive.hpp>
#include <prognos/neural.hpp>
#include <prognos/pipeline/pipeline.hpp>
#include <prognos/preprocessing/standard_scaler.hpp>

#include <cmath>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "support/catch.hpp"

using prognos::Activation;
using prognos::Index;
using prognos::IntVector;
using prognos::Matrix;
using prognos::MLPClassifier;
using prognos::MLPParams;
using prognos::MLPRegressor;
using prognos::OutputFunction;
using prognos::Vector;

namespace {

// Two Gaussian-ish blobs in d dimensions, classes 0 and 1, centres at -1 and +1.
void blobs(Index n, Index d, std::uint64_t seed, Matrix& X, IntVector& y) {
    prognos::Random rng(seed);
    X.resize(n, d);
    y.resize(n);
    for (Index i = 0; i < n; ++i) {
        y[i] = static_cast<int>(i % 2);
        for (Index j = 0; j < d; ++j) {
            X(i, j) = (y[i] == 1 ? 1.0 : -1.0) + 1.5 * (rng.uniform01() - 0.5);
        }
    }
}

MLPParams small(std::vector<int> hidden) {
    MLPParams p;
    p.hidden_layer_sizes = std::move(hidden);
    return p;
}

// Central finite difference of the network loss against the analytic gradient, parameter by
// parameter.
void check_gradient(Activation act, OutputFunction out, int n_out) {
    using Net = prognos::detail::Network<double>;
    prognos::Random rng(7);
    Net net;
    net.initialise({3, 5, 4, n_out}, act, out, rng);
    const Index batch = 6;
    Net::Mat x(3, batch), y = Net::Mat::Zero(n_out, batch);
    for (Index j = 0; j < batch; ++j) {
        for (Index f = 0; f < 3; ++f) {
            x(f, j) = 2 * rng.uniform01() - 1;
        }
        if (out == OutputFunction::identity) {
            y(0, j) = 2 * rng.uniform01() - 1;
        } else if (out == OutputFunction::logistic) {
            y(0, j) = static_cast<double>(j % 2);
        } else {
            y(j % n_out, j) = 1;
        }
    }
    const double alpha = 0.3;
    Net::Workspace ws;
    net.loss_and_gradient(x, y, alpha, ws);
    const Net::Vec analytic = ws.grad;
    const double h = 1e-6;
    for (Index k = 0; k < net.params.size(); ++k) {
        Net probe = net;
        Net::Workspace scratch;
        probe.params[k] += h;
        const double up = probe.loss_and_gradient(x, y, alpha, scratch);
        probe.params[k] -= 2 * h;
        const double down = probe.loss_and_gradient(x, y, alpha, scratch);
        const double numeric = (up - down) / (2 * h);
        INFO("activation " << prognos::to_string(act) << ", parameter " << k);
        REQUIRE(analytic[k] == Approx(numeric).margin(1e-7).epsilon(1e-5));
    }
}

template <class T>
T reloaded(const T& object) {
    T out;
    prognos::io::from_artifact_bytes(prognos::io::to_artifact_bytes(object), out, "memory");
    return out;
}

const std::string case017 =
    std::string(PROGNOS_TEST_DATA_DIR) + "/cases/017-mlp-diverges-on-unscaled-input/input.csv";

// Case 017's file: rpm, operating_hours, ambient_c -> remaining_life_h (no scaling).
void read_case017(Matrix& X, Vector& y) {
    std::FILE* f = std::fopen(case017.c_str(), "r");
    REQUIRE(f != nullptr);
    char header[256];
    REQUIRE(std::fgets(header, sizeof header, f) != nullptr);
    std::vector<double> v(4);
    std::vector<std::vector<double>> rows;
    while (std::fscanf(f, "%lf,%lf,%lf,%lf", &v[0], &v[1], &v[2], &v[3]) == 4) {
        rows.push_back(v);
    }
    std::fclose(f);
    X.resize(static_cast<Index>(rows.size()), 3);
    y.resize(static_cast<Index>(rows.size()));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        for (Index j = 0; j < 3; ++j) {
            X(static_cast<Index>(i), j) = rows[i][static_cast<std::size_t>(j)];
        }
        y[static_cast<Index>(i)] = rows[i][3];
    }
}

// The case's settings: one hidden layer of 16, SGD, learning rate 0.1, 200 epochs, early
// stopping on 20%, seed 0.
MLPParams case017_params() {
    MLPParams p;
    p.hidden_layer_sizes = {16};
    p.solver = prognos::Solver::sgd;
    p.learning_rate_init = 0.1;
    p.max_iter = 200;
    p.early_stopping = true;
    p.validation_fraction = 0.2;
    p.seed = 0;
    return p;
}

bool all_finite(const std::vector<double>& v) {
    for (double x : v) {
        if (!std::isfinite(x)) {
            return false;
        }
    }
    return true;
}

} // namespace

TEST_CASE("MLP gradients match finite differences for every activation and loss", "[neural][mlp]") {
    for (Activation act :
         {Activation::identity, Activation::logistic, Activation::tanh, Activation::relu}) {
        check_gradient(act, OutputFunction::identity, 1);
        check_gradient(act, OutputFunction::logistic, 1);
        check_gradient(act, OutputFunction::softmax, 3);
    }
}

TEST_CASE("MLP gradient of the float network agrees with the double one", "[neural][mlp]") {
    prognos::Random a(3), b(3);
    prognos::detail::Network<double> nd;
    prognos::detail::Network<float> nf;
    nd.initialise({2, 4, 1}, Activation::tanh, OutputFunction::logistic, a);
    nf.initialise({2, 4, 1}, Activation::tanh, OutputFunction::logistic, b);
    Eigen::MatrixXd x(2, 3);
    x << 0.1, -0.5, 0.9, 0.3, 0.2, -0.7;
    Eigen::MatrixXd y(1, 3);
    y << 1, 0, 1;
    decltype(nd)::Workspace wd;
    decltype(nf)::Workspace wf;
    const double ld = nd.loss_and_gradient(x, y, 0.0, wd);
    const float lf = nf.loss_and_gradient(x.cast<float>(), y.cast<float>(), 0.0f, wf);
    REQUIRE(lf == Approx(ld).epsilon(1e-5));
    for (Index k = 0; k < wd.grad.size(); ++k) {
        REQUIRE(wf.grad[k] == Approx(wd.grad[k]).margin(1e-5));
    }
}

TEST_CASE("MLP cross-entropy stays finite for confident wrong answers", "[neural][mlp]") {
    // Logits of +-800 overflow exp() in a naive log(sigmoid) or softmax; the loss must instead
    // be the exact linear value: -log s(-800) = 800 (and log-sum-exp of (800, -800) = 800).
    prognos::detail::Network<double> net;
    Eigen::MatrixXd z(1, 1), p(1, 1), y(1, 1);
    z << -800;
    p << 0;
    y << 1;
    net.output = OutputFunction::logistic;
    REQUIRE(net.data_loss(z, p, y) == Approx(800));
    net.output = OutputFunction::softmax;
    Eigen::MatrixXd z2(2, 1), p2(2, 1), y2(2, 1);
    z2 << 800, -800;
    p2 << 1, 0;
    y2 << 0, 1;
    REQUIRE(net.data_loss(z2, p2, y2) == Approx(1600));
    net.apply_output(z2);
    REQUIRE(z2.allFinite());
    REQUIRE(z2(0, 0) == 1.0);
}

TEST_CASE("MLPClassifier learns XOR", "[neural][mlp]") {
    Matrix X(4, 2);
    X << 0, 0, 0, 1, 1, 0, 1, 1;
    IntVector y(4);
    y << 0, 1, 1, 0;
    MLPParams p = small({8});
    p.activation = Activation::tanh;
    p.learning_rate_init = 0.05;
    p.max_iter = 2000;
    p.tol = 0; // run until n_iter_no_change epochs bring no improvement at all
    MLPClassifier clf(p);
    clf.fit(X, y);
    REQUIRE(clf.predict(X) == y);
    const Matrix proba = clf.predict_proba(X);
    for (Index i = 0; i < 4; ++i) {
        REQUIRE(proba(i, y[i]) > 0.9);
        REQUIRE(proba.row(i).sum() == Approx(1.0));
    }
}

TEST_CASE("MLPRegressor recovers a smooth function", "[neural][mlp]") {
    // y = sin(x) on [-3, 3]: a 1-32-32-1 tanh network fits it to a few hundredths (max error
    // 0.044, RMS 0.022 when written; the bounds leave a factor of two).
    const Index n = 200;
    Matrix X(n, 1);
    Vector y(n);
    for (Index i = 0; i < n; ++i) {
        X(i, 0) = -3.0 + 6.0 * static_cast<double>(i) / static_cast<double>(n - 1);
        y[i] = std::sin(X(i, 0));
    }
    MLPParams p = small({32, 32});
    p.activation = Activation::tanh;
    p.learning_rate_init = 0.01;
    p.max_iter = 1000;
    p.batch_size = 32;
    p.tol = 0; // stop only after 50 epochs without any improvement (ran 227 epochs here)
    p.n_iter_no_change = 50;
    MLPRegressor reg(p);
    reg.fit(X, y);
    const Vector pred = reg.predict(X);
    REQUIRE((pred - y).cwiseAbs().maxCoeff() < 0.1);
    REQUIRE((pred - y).norm() / std::sqrt(static_cast<double>(n)) < 0.05);
    for (Index i = 0; i < n; i += 37) {
        REQUIRE(reg.predict_row(&X(i, 0)) == Approx(pred[i]).margin(1e-12));
    }
}

TEST_CASE("MLPClassifier separates three classes with softmax", "[neural][mlp]") {
    prognos::Random rng(5);
    const Index n = 300;
    Matrix X(n, 2);
    IntVector y(n);
    const double cx[3] = {-2, 0, 2};
    for (Index i = 0; i < n; ++i) {
        const int c = static_cast<int>(i % 3);
        y[i] = 10 * c + 5; // labels 5, 15, 25: any ints
        X(i, 0) = cx[c] + 0.6 * (rng.uniform01() - 0.5);
        X(i, 1) = rng.uniform01();
    }
    MLPClassifier clf(small({16}));
    clf.params().learning_rate_init = 0.01;
    clf.fit(X, y);
    REQUIRE(clf.classes() == (IntVector(3) << 5, 15, 25).finished());
    REQUIRE(clf.layer_sizes() == std::vector<int>{2, 16, 3});
    REQUIRE((clf.predict(X).array() == y.array()).count() == n);
    const Matrix proba = clf.predict_proba(X);
    double row[3];
    const double x0[2] = {X(7, 0), X(7, 1)};
    clf.predict_proba_row(x0, row);
    for (Index c = 0; c < 3; ++c) {
        REQUIRE(row[c] == Approx(proba(7, c)).margin(1e-12));
    }
    REQUIRE(clf.predict_row(x0) == y[7]);
    REQUIRE((proba.rowwise().sum().array() - 1.0).abs().maxCoeff() < 1e-12);
}

TEST_CASE("MLP early stopping stops and keeps the best epoch", "[neural][mlp]") {
    // Labels unrelated to X: the validation accuracy cannot keep improving, so training must
    // end well before max_iter through the patience rule.
    prognos::Random rng(11);
    const Index n = 400;
    Matrix X(n, 3);
    IntVector y(n);
    for (Index i = 0; i < n; ++i) {
        y[i] = static_cast<int>(rng.uniform_index(2));
        for (Index j = 0; j < 3; ++j) {
            X(i, j) = rng.uniform01();
        }
    }
    MLPParams p = small({8});
    p.early_stopping = true;
    p.max_iter = 500;
    std::vector<prognos::EpochReport> reports;
    MLPClassifier clf(p);
    clf.set_epoch_callback([&](const prognos::EpochReport& r) {
        reports.push_back(r);
        return true;
    });
    clf.fit(X, y);
    REQUIRE(clf.status() == prognos::FitStatus::converged);
    REQUIRE(clf.n_iter() < 500);
    REQUIRE(clf.validation_scores().size() == static_cast<std::size_t>(clf.n_iter()));
    REQUIRE(reports.size() == static_cast<std::size_t>(clf.n_iter()));
    // The last epoch is the (n_iter_no_change + 1)-th without improvement.
    REQUIRE(reports.back().epochs_without_improvement == p.n_iter_no_change + 1);
    REQUIRE(std::isfinite(reports.back().validation_score));
    REQUIRE(reports.back().epoch == clf.n_iter());
}

TEST_CASE("MLP early stopping on the validation loss stops and reports negative losses",
          "[neural][mlp]") {
    Matrix X;
    IntVector y;
    blobs(300, 2, 15, X, y);
    MLPParams p = small({8});
    p.early_stopping = true;
    p.early_stopping_metric = prognos::EarlyStoppingMetric::loss;
    p.learning_rate_init = 0.01;
    MLPClassifier clf(p);
    clf.fit(X, y);
    REQUIRE(clf.status() == prognos::FitStatus::converged);
    REQUIRE(clf.n_iter() < 200);
    for (double s : clf.validation_scores()) {
        REQUIRE(s < 0); // minus a cross-entropy
    }
    REQUIRE(reloaded(clf).params().early_stopping_metric == prognos::EarlyStoppingMetric::loss);
}

TEST_CASE("MLP epoch callback sees every epoch and can stop training", "[neural][mlp]") {
    Matrix X;
    IntVector y;
    blobs(100, 2, 1, X, y);
    MLPClassifier clf(small({4}));
    std::vector<double> losses;
    clf.set_epoch_callback([&](const prognos::EpochReport& r) {
        losses.push_back(r.loss);
        REQUIRE(std::isnan(r.validation_score)); // no early stopping: no validation score
        REQUIRE(r.max_iter == 200);
        return r.epoch < 3;
    });
    clf.fit(X, y);
    REQUIRE(clf.n_iter() == 3);
    REQUIRE(clf.status() == prognos::FitStatus::stopped_by_callback);
    REQUIRE(losses == clf.loss_curve());
    REQUIRE(clf.is_fitted());
}

TEST_CASE("MLP with the same seed gives the same weights", "[neural][mlp]") {
    Matrix X;
    IntVector y;
    blobs(120, 3, 2, X, y);
    MLPParams p = small({6, 5});
    p.max_iter = 20;
    p.early_stopping = true;
    MLPClassifier a(p), b(p);
    a.fit(X, y);
    b.fit(X, y);
    REQUIRE(a.network().params == b.network().params);
    p.seed = 1;
    MLPClassifier c(p);
    c.fit(X, y);
    REQUIRE(c.network().params != a.network().params);

    prognos::MLPClassifierF fa(small({6})), fb(small({6}));
    fa.fit(X, y);
    fb.fit(X, y);
    REQUIRE(fa.network().params == fb.network().params);
}

TEST_CASE("MLP SGD with momentum and the learning-rate schedules all learn", "[neural][mlp]") {
    Matrix X;
    IntVector y;
    blobs(200, 2, 3, X, y);
    for (bool nesterov : {true, false}) {
        for (auto schedule : {prognos::LearningRate::constant,
                              prognos::LearningRate::invscaling,
                              prognos::LearningRate::adaptive}) {
            MLPParams p = small({8});
            p.solver = prognos::Solver::sgd;
            p.nesterovs_momentum = nesterov;
            p.learning_rate = schedule;
            p.learning_rate_init = schedule == prognos::LearningRate::invscaling ? 0.5 : 0.05;
            p.max_iter = 100;
            MLPClassifier clf(p);
            clf.fit(X, y);
            INFO("nesterov " << nesterov << " schedule " << static_cast<int>(schedule));
            REQUIRE((clf.predict(X).array() == y.array()).count() >= 195);
            REQUIRE(clf.loss_curve().back() < clf.loss_curve().front());
        }
    }
}

TEST_CASE("MLP warm start continues from the fitted weights", "[neural][mlp]") {
    Matrix X;
    IntVector y;
    blobs(200, 2, 4, X, y);
    MLPParams p = small({8});
    p.max_iter = 5;
    MLPClassifier clf(p);
    clf.fit(X, y);
    const double last = clf.loss_curve().back();
    clf.params().warm_start = true;
    clf.fit(X, y);
    // A fresh start would begin near the first loss again; a warm one goes on from the last.
    REQUIRE(clf.loss_curve().front() < last * 1.05);
    clf.params().hidden_layer_sizes = {9};
    REQUIRE_THROWS_WITH(clf.fit(X, y), ptest::contains("warm_start needs the same"));
}

TEST_CASE("MLP artifacts round trip to bit-identical predictions", "[neural][mlp][io]") {
    Matrix X;
    IntVector y;
    blobs(150, 4, 6, X, y);
    MLPParams p = small({7, 3});
    p.max_iter = 30;
    MLPClassifier clf(p);
    clf.fit(X, y);
    const MLPClassifier back = reloaded(clf);
    REQUIRE(back.predict_proba(X) == clf.predict_proba(X));
    REQUIRE(back.network().params == clf.network().params);
    REQUIRE(back.classes() == clf.classes());
    REQUIRE(back.n_iter() == clf.n_iter());
    REQUIRE(back.loss_curve() == clf.loss_curve());
    REQUIRE(back.params().hidden_layer_sizes == p.hidden_layer_sizes);

    prognos::MLPClassifierF f(p);
    f.fit(X, y);
    const prognos::MLPClassifierF fback = reloaded(f);
    REQUIRE(fback.network().params == f.network().params);
    REQUIRE(fback.predict_proba(X) == f.predict_proba(X));
    REQUIRE(std::string(prognos::MLPClassifierF::type_name()) == "MLPClassifier<float>");

    Vector t = X.col(0) + X.col(1);
    MLPRegressor reg(p);
    reg.fit(X, t);
    REQUIRE(reloaded(reg).predict(X) == reg.predict(X));

    // A regressor artifact is not a classifier.
    MLPClassifier wrong;
    REQUIRE_THROWS_WITH(
        prognos::io::from_artifact_bytes(prognos::io::to_artifact_bytes(reg), wrong, "memory"),
        ptest::contains("MLPRegressor"));
}

TEST_CASE("MLP damaged artifacts are refused at load time", "[neural][mlp][io]") {
    Matrix X;
    IntVector y;
    blobs(60, 2, 8, X, y);
    MLPParams p = small({3});
    p.max_iter = 5;
    MLPClassifier clf(p);
    clf.fit(X, y);
    const nlohmann::json good = prognos::io::to_json(clf);
    MLPClassifier out;

    nlohmann::json j = good;
    j["parameters"][2] = "NaN";
    REQUIRE_THROWS_WITH(prognos::io::from_json(j, out), ptest::contains("finite"));
    j = good;
    j["parameters"].erase(0);
    REQUIRE_THROWS_WITH(prognos::io::from_json(j, out), ptest::contains("parameters must hold"));
    j = good;
    j["layer_sizes"] = {2, 3, 2};
    REQUIRE_THROWS_WITH(prognos::io::from_json(j, out), ptest::contains("output layer"));
    j = good;
    j["classes"] = {1, 0};
    REQUIRE_THROWS_WITH(prognos::io::from_json(j, out), ptest::contains("strictly increasing"));
    j = good;
    j["activation"] = 9;
    REQUIRE_THROWS_WITH(prognos::io::from_json(j, out), ptest::contains("activation"));
    j = good;
    j["layer_sizes"] = {2, 0, 1};
    REQUIRE_THROWS_WITH(prognos::io::from_json(j, out), ptest::contains(">= 1"));
    REQUIRE_FALSE(out.is_fitted());
    prognos::io::from_json(good, out);
    REQUIRE(out.predict_proba(X) == clf.predict_proba(X));
}

TEST_CASE("MLP pipeline of StandardScaler and MLPClassifier fits predicts saves and loads",
          "[neural][mlp][pipeline]") {
    Matrix X;
    IntVector y;
    blobs(200, 3, 9, X, y);
    X.col(1) *= 1000.0; // a column on another scale: the scaler's job
    MLPParams p = small({8});
    p.early_stopping = true;
    p.learning_rate_init = 0.01;
    p.batch_size = 20;
    auto pipe = prognos::make_pipeline(prognos::StandardScaler{}, MLPClassifier(p));
    pipe.fit(X, y);
    REQUIRE((pipe.predict(X).array() == y.array()).count() >= 195);
    const std::string path = "mlp_pipeline_test.artifact";
    prognos::io::save(pipe, path);
    decltype(pipe) loaded;
    prognos::io::load(path, loaded);
    std::remove(path.c_str());
    REQUIRE(loaded.predict_proba(X) == pipe.predict_proba(X));
    REQUIRE(loaded.predict(X) == pipe.predict(X));
    REQUIRE(decltype(pipe)::type_name() == "Pipeline<StandardScaler,MLPClassifier>");
}

TEST_CASE("MLP predict is const and gives the same answers from several threads", "[neural][mlp]") {
    Matrix X;
    IntVector y;
    blobs(300, 4, 10, X, y);
    MLPClassifier clf(small({16}));
    clf.params().max_iter = 10;
    clf.fit(X, y);
    const Matrix expected = clf.predict_proba(X);
    bool same[2] = {false, false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
        threads.emplace_back([&, t] {
            bool ok = true;
            for (int r = 0; r < 20; ++r) {
                ok = ok && clf.predict_proba(X) == expected;
                for (Index i = 0; i < X.rows(); i += 17) {
                    const double row[4] = {X(i, 0), X(i, 1), X(i, 2), X(i, 3)};
                    double out[2];
                    clf.predict_proba_row(row, out);
                    ok = ok && std::abs(out[1] - expected(i, 1)) < 1e-12;
                }
            }
            same[t] = ok;
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    REQUIRE(same[0]);
    REQUIRE(same[1]);
}

TEST_CASE("MLP rejects NaN input bad parameters and unfitted use", "[neural][mlp]") {
    Matrix X;
    IntVector y;
    blobs(40, 2, 12, X, y);
    MLPClassifier clf(small({4}));
    REQUIRE_THROWS_WITH(clf.predict(X), ptest::contains("call fit()"));
    const double row[2] = {0, 0};
    REQUIRE_THROWS_AS(clf.predict_row(row), prognos::not_fitted);

    Matrix bad = X;
    bad(3, 1) = std::nan("");
    REQUIRE_THROWS_AS(clf.fit(bad, y), prognos::bad_value);
    REQUIRE_THROWS_WITH(clf.fit(bad, y), ptest::contains("row 3 (the 4th), feature 1 is NaN"));
    REQUIRE_FALSE(clf.is_fitted());

    clf.params().hidden_layer_sizes = {4, 0};
    REQUIRE_THROWS_WITH(clf.fit(X, y),
                        ptest::contains("MLPClassifier::fit: hidden_layer_sizes[1] must be >= 1"));
    clf.params().hidden_layer_sizes = {4};
    clf.params().learning_rate_init = 0;
    REQUIRE_THROWS_WITH(clf.fit(X, y), ptest::contains("learning_rate_init must be"));
    clf.params().learning_rate_init = 1e-3;
    clf.params().early_stopping = true;
    clf.params().validation_fraction = 1.0;
    REQUIRE_THROWS_WITH(clf.fit(X, y), ptest::contains("validation_fraction"));
    clf.params().validation_fraction = 0.1;
    clf.fit(X, y);
    REQUIRE_THROWS_AS(clf.predict(bad), prognos::bad_value);
    const double nan_row[2] = {0, std::nan("")};
    REQUIRE_THROWS_AS(clf.predict_row(nan_row), prognos::bad_value);
    REQUIRE_THROWS_WITH(clf.predict(Matrix(2, 3)), ptest::contains("expected 2 features, got 3"));

    MLPRegressor reg(small({4}));
    Vector t = X.col(0);
    t[5] = std::numeric_limits<double>::infinity();
    REQUIRE_THROWS_WITH(reg.fit(X, t), ptest::contains("target y[5] is +infinity"));
}

TEST_CASE("Case 015 MLPClassifier refuses a single class and names it", "[neural][mlp][cases]") {
    Matrix X;
    IntVector y;
    blobs(12, 2, 13, X, y);
    y.setConstant(4);
    MLPClassifier clf;
    REQUIRE_THROWS_AS(clf.fit(X, y), prognos::invalid_argument);
    REQUIRE_THROWS_WITH(clf.fit(X, y), ptest::contains("at least 2 classes"));
    REQUIRE_THROWS_WITH(clf.fit(X, y), ptest::contains("class 4"));
    REQUIRE_FALSE(clf.is_fitted());
}

TEST_CASE("Case 015 through a pipeline names the single class by its text",
          "[neural][mlp][pipeline][cases]") {
    const prognos::Table data = prognos::read_csv(std::string(PROGNOS_TEST_DATA_DIR) +
                                                  "/cases/015-classifier-single-class/input.csv");
    auto pipe = prognos::make_pipeline(prognos::StandardScaler{}, MLPClassifier{});
    REQUIRE_THROWS_AS(pipe.fit(data, "status"), prognos::invalid_argument);
    REQUIRE_THROWS_WITH(pipe.fit(data, "status"), ptest::contains("at least 2 classes"));
    REQUIRE_THROWS_WITH(pipe.fit(data, "status"),
                        ptest::contains("class 0 is 'normal' in target column 'status'"));
    // Nothing fitted, so nothing to save as a model.
    REQUIRE_FALSE(pipe.is_fitted());
    REQUIRE_FALSE(pipe.model().is_fitted());
    REQUIRE_THROWS_AS(pipe.predict(data), prognos::not_fitted);
}

TEST_CASE("Case 017 MLPRegressor on unscaled input stops with a divergence error",
          "[neural][mlp][cases]") {
    Matrix X;
    Vector y;
    read_case017(X, y);
    REQUIRE(X.rows() == 30);
    MLPRegressor reg(case017_params());
    REQUIRE_THROWS_AS(reg.fit(X, y), prognos::numerical_error);
    // Here relu units die on the first huge step, which caps the output: the loss explodes
    // (1e6 to 1e35) without reaching infinity, and the explosion check names the epoch.
    REQUIRE_THROWS_WITH(reg.fit(X, y), ptest::contains("the loss exploded from "));
    REQUIRE_THROWS_WITH(reg.fit(X, y), ptest::contains(" at epoch 2 "));
    REQUIRE_THROWS_WITH(reg.fit(X, y), ptest::contains("diverged"));
    REQUIRE_THROWS_WITH(reg.fit(X, y), ptest::contains("scale the inputs"));
    REQUIRE_THROWS_WITH(reg.fit(X, y), ptest::contains("lower learning_rate_init"));
    // Nothing half-trained is left behind: no model to predict with or to save.
    REQUIRE_FALSE(reg.is_fitted());
    REQUIRE_THROWS_AS(reg.predict(X), prognos::not_fitted);
    REQUIRE_THROWS_AS(prognos::io::to_artifact_bytes(reg), prognos::not_fitted);

    // With X and y standardised the same settings train to a finite loss curve.
    prognos::StandardScaler sx, sy;
    const Matrix Xs = sx.fit_transform(X);
    const Vector ys = sy.fit_transform(Matrix(y)).col(0);
    reg.fit(Xs, ys);
    REQUIRE(reg.is_fitted());
    REQUIRE(all_finite(reg.loss_curve()));
    REQUIRE(all_finite(reg.validation_scores()));
    REQUIRE(reg.network().params.allFinite());
    REQUIRE(reg.predict(Xs).allFinite());

    // A failed refit keeps the previous, good model (strong guarantee).
    const Vector before = reg.predict(Xs);
    REQUIRE_THROWS_AS(reg.fit(X, y), prognos::numerical_error);
    REQUIRE(reg.predict(Xs) == before);
}

TEST_CASE("Case 017 MLPClassifier variant on unscaled input stops with a divergence error",
          "[neural][mlp][cases]") {
    Matrix X;
    Vector life;
    read_case017(X, life);
    IntVector y(X.rows());
    for (Index i = 0; i < X.rows(); ++i) {
        y[i] = life[i] < 1500 ? 1 : 0;
    }
    REQUIRE(y.sum() > 0);
    REQUIRE(y.sum() < y.size());

    // Unscaled, with the case's settings: the cross-entropy is computed from the logits, so
    // it stays finite, but the weights race off and the loss explodes (314 to 1e11 in epoch 2
    // when written): the same divergence error as the regressor, and no model.
    MLPClassifier clf(case017_params());
    REQUIRE_THROWS_AS(clf.fit(X, y), prognos::numerical_error);
    REQUIRE_THROWS_WITH(clf.fit(X, y), ptest::contains(" at epoch "));
    REQUIRE_THROWS_WITH(clf.fit(X, y), ptest::contains("diverged"));
    REQUIRE_THROWS_WITH(clf.fit(X, y), ptest::contains("scale the inputs"));
    REQUIRE_FALSE(clf.is_fitted());

    // Inputs far beyond any scale overflow the hidden layer: the error, naming the epoch.
    MLPClassifier huge(case017_params());
    const Matrix Xhuge = X * 1e300;
    REQUIRE_THROWS_WITH(huge.fit(Xhuge, y), ptest::contains("became non-finite at epoch "));
    REQUIRE_FALSE(huge.is_fitted());

    // Scaled: a finite loss curve and sensible probabilities.
    prognos::StandardScaler sx;
    const Matrix Xs = sx.fit_transform(X);
    clf.fit(Xs, y);
    REQUIRE(all_finite(clf.loss_curve()));
    const Matrix proba = clf.predict_proba(Xs);
    REQUIRE(proba.allFinite());
    REQUIRE(proba.minCoeff() >= 0.0);
    REQUIRE(proba.maxCoeff() <= 1.0);
}

TEST_CASE("MLP with a diverging learning rate reports the epoch", "[neural][mlp]") {
    Matrix X;
    IntVector y;
    blobs(100, 2, 14, X, y);
    Vector t = 3.0 * X.col(0) - X.col(1);
    MLPParams p = small({8});
    p.solver = prognos::Solver::sgd;
    p.learning_rate_init = 1e3;
    MLPRegressor reg(p);
    REQUIRE_THROWS_AS(reg.fit(X, t), prognos::numerical_error);
    REQUIRE_THROWS_WITH(reg.fit(X, t), ptest::contains("at epoch "));
    REQUIRE_FALSE(reg.is_fitted());
}
