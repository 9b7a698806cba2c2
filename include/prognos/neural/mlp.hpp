// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Multi-layer perceptrons: MLPClassifier and MLPRegressor (double), MLPClassifierF and
/// MLPRegressorF (float), with scikit-learn's parameter names and defaults.
///
/// Both are thin shells around detail::Network (the arithmetic) and detail::train (the loop):
/// they turn labels or targets into output columns, hold out the early-stopping rows, and keep
/// the fitted state. fit() gives the strong guarantee: it trains a copy and only replaces the
/// model when training succeeded, so an exception (bad input, divergence) leaves the previous
/// state (fitted or not) untouched.
///
/// Networks are sensitive to feature scales: put a StandardScaler in front (and scale a
/// regression target). Unscaled inputs in the thousands typically make the loss overflow; that
/// is reported as numerical_error naming the epoch, never returned as a model with NaN weights.

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/random.hpp>
#include <prognos/core/types.hpp>
#include <prognos/neural/network.hpp>
#include <prognos/neural/training.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace prognos {
namespace detail {

/// Artifact names: "MLPClassifier" for double, "MLPClassifier<float>" for float.
template <class Scalar>
struct mlp_names {
    static constexpr const char* classifier = "MLPClassifier";
    static constexpr const char* regressor = "MLPRegressor";
};

template <>
struct mlp_names<float> {
    static constexpr const char* classifier = "MLPClassifier<float>";
    static constexpr const char* regressor = "MLPRegressor<float>";
};

/// check_finite_row without building a message unless a value is bad, so the single-row paths
/// allocate nothing on good input.
inline void mlp_check_row(const double* x, Index n, const char* who) {
    for (Index j = 0; j < n; ++j) {
        if (!std::isfinite(x[j])) {
            check_finite_row(x, n, who);
        }
    }
}

/// State and behaviour the classifier and regressor share: parameters, the network, the
/// training record, batch inference and the common part of serialization.
template <class Scalar>
class MLPBase {
public:
    /// Hyper-parameters, with scikit-learn's names and defaults (see MLPParams).
    using Params = MLPParams;

    /// The hyper-parameters; changes take effect at the next fit.
    Params& params() noexcept { return params_; }

    /// The hyper-parameters.
    const Params& params() const noexcept { return params_; }

    /// Sets the function called after every epoch of fit (progress display, custom stopping).
    /// Not saved in artifacts.
    void set_epoch_callback(EpochCallback callback) { callback_ = std::move(callback); }

    /// Whether fit() (or loading) has happened.
    bool is_fitted() const noexcept { return !net_.sizes.empty(); }

    /// Number of features seen at fit.
    Index n_features() const noexcept { return is_fitted() ? net_.sizes.front() : 0; }

    /// Epochs run by the last fit.
    int n_iter() const noexcept { return n_iter_; }

    /// Why the last fit ended.
    FitStatus status() const noexcept { return status_; }

    /// Mean training loss of every epoch of the last fit.
    const std::vector<double>& loss_curve() const noexcept { return loss_curve_; }

    /// Validation score (accuracy or R^2) of every epoch; empty without early stopping.
    const std::vector<double>& validation_scores() const noexcept { return validation_scores_; }

    /// Units per layer: inputs, hidden layers, outputs.
    const std::vector<int>& layer_sizes() const noexcept { return net_.sizes; }

    /// The fitted network (weights in one flat vector; see detail::Network).
    const Network<Scalar>& network() const noexcept { return net_; }

protected:
    using Mat = typename Network<Scalar>::Mat;

    /// Network outputs for every row of X: one row per sample, one column per output unit.
    Matrix outputs(const Matrix& X, const std::string& who) const {
        check_fitted(is_fitted(), who);
        check_n_features(n_features(), X.cols(), who);
        check_finite(X, who);
        Matrix out(X.rows(), net_.sizes.back());
        typename Network<Scalar>::Workspace ws;
        const Index chunk = 1024;
        for (Index start = 0; start < X.rows(); start += chunk) {
            const Index m = std::min(chunk, X.rows() - start);
            net_.forward(X.middleRows(start, m).transpose().template cast<Scalar>(), ws);
            out.middleRows(start, m) = ws.acts.back().transpose().template cast<double>();
        }
        return out;
    }

    /// Checks parameters and X, prepares the network (fresh or warm) and runs training; only
    /// on success replaces the fitted state.
    template <class Setup>
    void fit_network(const Matrix& X,
                     const std::string& who,
                     OutputFunction output,
                     int n_outputs,
                     TrainingData<Scalar>& data,
                     const ValidationScorer& score,
                     Setup&& split) {
        check_mlp_params(params_, who);
        check_finite(X, who);
        std::vector<int> sizes{static_cast<int>(X.cols())};
        sizes.insert(
            sizes.end(), params_.hidden_layer_sizes.begin(), params_.hidden_layer_sizes.end());
        sizes.push_back(n_outputs);

        Network<Scalar> net;
        if (params_.warm_start && is_fitted()) {
            if (net_.sizes != sizes || net_.activation != params_.activation ||
                net_.output != output) {
                PROGNOS_THROW(invalid_argument(
                    who + ": warm_start needs the same features, classes, hidden_layer_sizes "
                          "and activation as the previous fit"));
            }
            net = net_;
        } else {
            Random rng(params_.seed, 0);
            net.initialise(sizes, params_.activation, output, rng);
        }

        data.x = X.transpose().template cast<Scalar>();
        split(data);
        const TrainingRecord rec = train(net, data, params_, score, callback_, who);

        net_ = std::move(net);
        n_iter_ = rec.n_iter;
        status_ = rec.status;
        loss_curve_ = rec.loss_curve;
        validation_scores_ = rec.validation_scores;
    }

    /// Rows [0, n) split into training and held-out rows (all training without early
    /// stopping); `group` gives each row's class for a stratified split, or is empty.
    void split_rows(Index n,
                    const std::vector<int>& group,
                    int n_groups,
                    TrainingData<Scalar>& data,
                    const std::string& who) const {
        data.train_rows.clear();
        data.valid_rows.clear();
        if (!params_.early_stopping) {
            for (Index i = 0; i < n; ++i) {
                data.train_rows.push_back(i);
            }
            return;
        }
        Random rng(params_.seed, 1);
        std::vector<std::vector<Index>> members(static_cast<std::size_t>(std::max(1, n_groups)));
        for (Index i = 0; i < n; ++i) {
            members[group.empty() ? 0
                                  : static_cast<std::size_t>(group[static_cast<std::size_t>(i)])]
                .push_back(i);
        }
        for (auto& rows : members) {
            rng.shuffle(rows.begin(), rows.end());
            const auto take = static_cast<std::size_t>(
                std::lround(params_.validation_fraction * static_cast<double>(rows.size())));
            data.valid_rows.insert(data.valid_rows.end(),
                                   rows.begin(),
                                   rows.begin() + static_cast<std::ptrdiff_t>(take));
            data.train_rows.insert(data.train_rows.end(),
                                   rows.begin() + static_cast<std::ptrdiff_t>(take),
                                   rows.end());
        }
        if (data.valid_rows.empty() || data.train_rows.empty()) {
            PROGNOS_THROW(invalid_argument(who + ": " + std::to_string(n) +
                                           " rows are too few for early stopping with "
                                           "validation_fraction " +
                                           std::to_string(params_.validation_fraction) +
                                           " (the held-out or the training part would be empty)"));
        }
        std::sort(data.valid_rows.begin(), data.valid_rows.end());
        std::sort(data.train_rows.begin(), data.train_rows.end());
    }

    /// Parameters, network and training record; shared by both models' serialize().
    template <class Archive>
    void serialize_common(Archive& ar, OutputFunction expected_output, int expected_outputs) {
        auto& p = params_;
        ar("hidden_layer_sizes", p.hidden_layer_sizes);
        int activation = static_cast<int>(p.activation);
        int solver = static_cast<int>(p.solver);
        int learning_rate = static_cast<int>(p.learning_rate);
        ar("activation", activation);
        ar("solver", solver);
        ar("alpha", p.alpha);
        ar("batch_size", p.batch_size);
        ar("learning_rate", learning_rate);
        ar("learning_rate_init", p.learning_rate_init);
        ar("power_t", p.power_t);
        ar("max_iter", p.max_iter);
        ar("shuffle", p.shuffle);
        ar("seed", p.seed);
        ar("tol", p.tol);
        ar("momentum", p.momentum);
        ar("nesterovs_momentum", p.nesterovs_momentum);
        ar("early_stopping", p.early_stopping);
        ar("validation_fraction", p.validation_fraction);
        int metric = static_cast<int>(p.early_stopping_metric);
        ar("early_stopping_metric", metric);
        ar("beta_1", p.beta_1);
        ar("beta_2", p.beta_2);
        ar("epsilon", p.epsilon);
        ar("n_iter_no_change", p.n_iter_no_change);
        ar("warm_start", p.warm_start);

        std::vector<int> sizes = net_.sizes;
        // Stored as double whatever the scalar: float converts to double and back exactly.
        std::vector<double> weights(net_.params.data(), net_.params.data() + net_.params.size());
        int status = static_cast<int>(status_);
        ar("layer_sizes", sizes);
        ar("parameters", weights);
        ar("n_iter", n_iter_);
        ar("status", status);
        ar("loss_curve", loss_curve_);
        ar("validation_scores", validation_scores_);
        if (Archive::loading) {
            ar.require(activation >= 0 && activation <= 3,
                       "activation must be 0 (identity), 1 (logistic), 2 (tanh) or 3 (relu)");
            ar.require(solver >= 0 && solver <= 1, "solver must be 0 (sgd) or 1 (adam)");
            ar.require(learning_rate >= 0 && learning_rate <= 2,
                       "learning_rate must be 0 (constant), 1 (invscaling) or 2 (adaptive)");
            ar.require(status >= 0 && status <= 3, "status must be in 0..3");
            ar.require(metric >= 0 && metric <= 1,
                       "early_stopping_metric must be 0 (score) or 1 (loss)");
            p.early_stopping_metric = static_cast<EarlyStoppingMetric>(metric);
            p.activation = static_cast<Activation>(activation);
            p.solver = static_cast<Solver>(solver);
            p.learning_rate = static_cast<LearningRate>(learning_rate);
            status_ = static_cast<FitStatus>(status);
            net_ = Network<Scalar>{};
            if (sizes.empty() && weights.empty()) {
                return; // an unfitted model
            }
            ar.require(sizes.size() >= 2, "layer_sizes needs inputs and outputs");
            ar.require(std::all_of(sizes.begin(), sizes.end(), [](int s) { return s >= 1; }),
                       "layer_sizes must all be >= 1");
            ar.require(sizes.back() == expected_outputs,
                       "the output layer has " + std::to_string(sizes.back()) +
                           " units but the classes need " + std::to_string(expected_outputs));
            ar.require(static_cast<Index>(weights.size()) == Network<Scalar>::count_params(sizes),
                       "parameters must hold " +
                           std::to_string(Network<Scalar>::count_params(sizes)) +
                           " values for these layer_sizes");
            ar.require(std::all_of(weights.begin(),
                                   weights.end(),
                                   [](double w) { return std::isfinite(w); }),
                       "parameters must all be finite");
            net_.sizes = sizes;
            net_.activation = p.activation;
            net_.output = expected_output;
            net_.params.resize(static_cast<Index>(weights.size()));
            for (std::size_t i = 0; i < weights.size(); ++i) {
                net_.params[static_cast<Index>(i)] = static_cast<Scalar>(weights[i]);
            }
        }
    }

    explicit MLPBase(Params params = {})
        : params_(std::move(params)) {}

    Params params_;
    EpochCallback callback_;
    Network<Scalar> net_;
    int n_iter_ = 0;
    FitStatus status_ = FitStatus::not_fitted;
    std::vector<double> loss_curve_;
    std::vector<double> validation_scores_;
};

} // namespace detail

/**
 * A multi-layer perceptron classifier.
 *
 * Two classes use one sigmoid output unit and binary cross-entropy; three or more use softmax
 * and cross-entropy. Labels may be any ints; classes() holds them sorted and the columns of
 * predict_proba follow it. Training data with a single class is an error: the network would
 * learn nothing (a constant), and such a model in production silently never raises an alarm.
 *
 * @tparam Scalar double or float: the type of the weights and of all training arithmetic.
 */
template <class Scalar>
class BasicMLPClassifier : public detail::MLPBase<Scalar> {
    using Base = detail::MLPBase<Scalar>;

public:
    using typename Base::Params;

    BasicMLPClassifier() = default;

    /// A classifier with the given hyper-parameters (checked at fit).
    explicit BasicMLPClassifier(Params params)
        : Base(std::move(params)) {}

    /// The name artifacts store this type under: "MLPClassifier" (or "MLPClassifier<float>").
    static const char* type_name() noexcept { return detail::mlp_names<Scalar>::classifier; }

    /**
     * Trains on X (one row per sample) and labels y.
     * @throws invalid_argument for bad parameters or shapes or fewer than two classes,
     *         bad_value for NaN/inf in X, numerical_error when training diverges.
     */
    BasicMLPClassifier& fit(const Matrix& X, const IntVector& y) {
        const std::string who = std::string(type_name()) + "::fit";
        check_training_shape(X, y.size(), who);
        std::vector<int> classes(y.data(), y.data() + y.size());
        std::sort(classes.begin(), classes.end());
        classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
        if (classes.size() < 2) {
            PROGNOS_THROW(invalid_argument(
                who +
                ": needs at least 2 classes to learn from, but every training row has "
                "class " +
                std::to_string(classes.front()) + "; nothing was fitted"));
        }
        const auto k = static_cast<int>(classes.size());
        std::vector<int> codes(static_cast<std::size_t>(y.size()));
        for (Index i = 0; i < y.size(); ++i) {
            codes[static_cast<std::size_t>(i)] = static_cast<int>(
                std::lower_bound(classes.begin(), classes.end(), y[i]) - classes.begin());
        }

        const int n_out = k == 2 ? 1 : k;
        detail::TrainingData<Scalar> data;
        data.y = Base::Mat::Zero(n_out, y.size());
        for (Index i = 0; i < y.size(); ++i) {
            const int c = codes[static_cast<std::size_t>(i)];
            if (k == 2) {
                data.y(0, i) = static_cast<Scalar>(c);
            } else {
                data.y(c, i) = Scalar(1);
            }
        }
        const auto output = k == 2 ? OutputFunction::logistic : OutputFunction::softmax;
        this->fit_network(X, who, output, n_out, data, &accuracy, [&](auto& d) {
            this->split_rows(X.rows(), codes, k, d, who);
        });
        classes_ = Eigen::Map<const IntVector>(classes.data(), k);
        return *this;
    }

    /// Predicted labels, one per row of X.
    IntVector predict(const Matrix& X) const {
        const Matrix out = this->outputs(X, std::string(type_name()) + "::predict");
        IntVector labels(X.rows());
        for (Index i = 0; i < X.rows(); ++i) {
            labels[i] = classes_[best(out.row(i).data(), out.cols(), out.rows())];
        }
        return labels;
    }

    /// Class probabilities: one row per row of X, one column per entry of classes().
    Matrix predict_proba(const Matrix& X) const {
        const Matrix out = this->outputs(X, std::string(type_name()) + "::predict_proba");
        if (out.cols() > 1) {
            return out;
        }
        Matrix proba(X.rows(), 2);
        proba.col(0) = (1.0 - out.col(0).array()).matrix();
        proba.col(1) = out.col(0);
        return proba;
    }

    /// Label for one row of n_features() values; allocates nothing (see
    /// detail::mlp_row_stack_width).
    int predict_row(const double* x) const {
        double proba[detail::mlp_row_stack_width];
        const char* who = "MLPClassifier::predict_row";
        check_row(x, who);
        if (classes_.size() > detail::mlp_row_stack_width) {
            std::vector<double> many(static_cast<std::size_t>(classes_.size()));
            predict_proba_unchecked(x, many.data());
            return classes_[best(many.data(), classes_.size(), 1)];
        }
        predict_proba_unchecked(x, proba);
        return classes_[best(proba, classes_.size(), 1)];
    }

    /// Writes the n_classes() probabilities of one row into `out`; allocates nothing.
    void predict_proba_row(const double* x, double* out) const {
        check_row(x, "MLPClassifier::predict_proba_row");
        predict_proba_unchecked(x, out);
    }

    /// The training labels, sorted ascending.
    const IntVector& classes() const noexcept { return classes_; }

    /// Number of classes (columns of predict_proba).
    Index n_classes() const noexcept { return classes_.size(); }

    /// Saves or loads parameters, weights and training record; loading checks the network's
    /// shape against the classes and that every weight is finite.
    template <class Archive>
    void serialize(Archive& ar) {
        std::vector<int> classes(classes_.data(), classes_.data() + classes_.size());
        ar("classes", classes);
        if (Archive::loading) {
            ar.require(classes.empty() || classes.size() >= 2,
                       "classes must hold at least 2 labels");
            ar.require(std::is_sorted(classes.begin(), classes.end()) &&
                           std::adjacent_find(classes.begin(), classes.end()) == classes.end(),
                       "classes must be strictly increasing");
        }
        const int k = static_cast<int>(classes.size());
        this->serialize_common(
            ar, k == 2 ? OutputFunction::logistic : OutputFunction::softmax, k == 2 ? 1 : k);
        if (Archive::loading) {
            ar.require(this->is_fitted() == !classes.empty(),
                       "classes and layer_sizes must both be present or both empty");
            classes_ = Eigen::Map<const IntVector>(classes.data(), k);
        }
    }

private:
    static double accuracy(const Eigen::MatrixXd& out, const Eigen::MatrixXd& y) {
        Index correct = 0;
        for (Index j = 0; j < out.cols(); ++j) {
            if (out.rows() == 1) {
                correct += (out(0, j) > 0.5) == (y(0, j) > 0.5);
            } else {
                Index a = 0, b = 0;
                out.col(j).maxCoeff(&a);
                y.col(j).maxCoeff(&b);
                correct += a == b;
            }
        }
        return static_cast<double>(correct) / static_cast<double>(out.cols());
    }

    // Index of the predicted class from the network outputs `v` (stride apart): one sigmoid
    // unit means class 1 above 0.5, as scikit-learn decides; otherwise the first largest.
    static Index best(const double* v, Index n, Index stride) {
        if (n == 1) {
            return v[0] > 0.5 ? 1 : 0;
        }
        Index b = 0;
        for (Index c = 1; c < n; ++c) {
            if (v[c * stride] > v[b * stride]) {
                b = c;
            }
        }
        return b;
    }

    void check_row(const double* x, const char* who) const {
        if (!this->is_fitted()) {
            check_fitted(false, who);
        }
        detail::mlp_check_row(x, this->n_features(), who);
    }

    void predict_proba_unchecked(const double* x, double* out) const {
        if (classes_.size() == 2) {
            this->net_.forward_row(x, out + 1);
            out[0] = 1.0 - out[1];
        } else {
            this->net_.forward_row(x, out);
        }
    }

    IntVector classes_;
};

/**
 * A multi-layer perceptron regressor: identity output, squared error. One target.
 *
 * @tparam Scalar double or float: the type of the weights and of all training arithmetic.
 */
template <class Scalar>
class BasicMLPRegressor : public detail::MLPBase<Scalar> {
    using Base = detail::MLPBase<Scalar>;

public:
    using typename Base::Params;

    BasicMLPRegressor() = default;

    /// A regressor with the given hyper-parameters (checked at fit).
    explicit BasicMLPRegressor(Params params)
        : Base(std::move(params)) {}

    /// The name artifacts store this type under: "MLPRegressor" (or "MLPRegressor<float>").
    static const char* type_name() noexcept { return detail::mlp_names<Scalar>::regressor; }

    /**
     * Trains on X (one row per sample) and finite targets y.
     * @throws invalid_argument for bad parameters or shapes, bad_value for NaN/inf in X or y,
     *         numerical_error when training diverges.
     */
    BasicMLPRegressor& fit(const Matrix& X, const Vector& y) {
        const std::string who = std::string(type_name()) + "::fit";
        check_training_shape(X, y.size(), who);
        for (Index i = 0; i < y.size(); ++i) {
            if (!std::isfinite(y[i])) {
                PROGNOS_THROW(bad_value(who + ": target y[" + std::to_string(i) + "] is " +
                                            detail::describe_value(y[i]) +
                                            "; targets must be finite",
                                        i,
                                        -1));
            }
        }
        detail::TrainingData<Scalar> data;
        data.y = y.transpose().template cast<Scalar>();
        this->fit_network(X, who, OutputFunction::identity, 1, data, &r2, [&](auto& d) {
            this->split_rows(X.rows(), {}, 1, d, who);
        });
        return *this;
    }

    /// Predicted targets, one per row of X.
    Vector predict(const Matrix& X) const {
        return this->outputs(X, std::string(type_name()) + "::predict").col(0);
    }

    /// Prediction for one row of n_features() values; allocates nothing.
    double predict_row(const double* x) const {
        const char* who = "MLPRegressor::predict_row";
        if (!this->is_fitted()) {
            check_fitted(false, who);
        }
        detail::mlp_check_row(x, this->n_features(), who);
        double out = 0;
        this->net_.forward_row(x, &out);
        return out;
    }

    /// Saves or loads parameters, weights and training record; loading checks the shape and
    /// that every weight is finite.
    template <class Archive>
    void serialize(Archive& ar) {
        this->serialize_common(ar, OutputFunction::identity, 1);
    }

private:
    // Coefficient of determination; 1 for a perfect fit of a constant target, else 0 there
    // (scikit-learn's convention).
    static double r2(const Eigen::MatrixXd& out, const Eigen::MatrixXd& y) {
        const double ss_res = (out - y).squaredNorm();
        const double ss_tot = (y.array() - y.mean()).square().sum();
        if (ss_tot == 0) {
            return ss_res == 0 ? 1.0 : 0.0;
        }
        return 1.0 - ss_res / ss_tot;
    }
};

/// The double-precision classifier (the default choice).
using MLPClassifier = BasicMLPClassifier<double>;
/// The single-precision classifier: about twice the training throughput, weights as float.
using MLPClassifierF = BasicMLPClassifier<float>;
/// The double-precision regressor.
using MLPRegressor = BasicMLPRegressor<double>;
/// The single-precision regressor.
using MLPRegressorF = BasicMLPRegressor<float>;

} // namespace prognos
