// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// How an MLP is trained: the hyper-parameters both MLP models share, the per-epoch progress
/// report, and the mini-batch loop with its optimisers (Adam; SGD with momentum or Nesterov
/// momentum), learning-rate schedules, L2 penalty and early stopping.
///
/// The loop follows scikit-learn's MLP so that its documentation and defaults carry over:
/// the same loss (mean loss plus alpha/2 |W|^2 / batch), the same Adam bias correction, the same
/// "no improvement by more than tol for more than n_iter_no_change epochs" rule, and the
/// best weights restored after early stopping.
///
/// Divergence is an error, not a result: the loss of every batch and the weights after every
/// epoch are checked, and the first non-finite value ends training with prognos::numerical_error
/// naming the epoch and the usual cures. The model being fitted is left as it was, so no
/// network with NaN weights can be returned or saved.

#include <prognos/core/error.hpp>
#include <prognos/core/random.hpp>
#include <prognos/core/types.hpp>
#include <prognos/neural/network.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace prognos {

/// The optimiser. Serialized as its int value.
enum class Solver : int {
    sgd = 0, ///< stochastic gradient descent with momentum (Nesterov's by default)
    adam = 1 ///< Adam (Kingma and Ba), scikit-learn's default
};

/// Learning-rate schedule; used by the sgd solver only, as in scikit-learn (Adam adapts its
/// steps itself). Serialized as its int value.
enum class LearningRate : int {
    constant = 0,   ///< learning_rate_init throughout
    invscaling = 1, ///< learning_rate_init / (samples seen + 1)^power_t
    adaptive = 2    ///< divided by 5 whenever n_iter_no_change epochs bring no improvement
};

/// What early stopping watches on the held-out rows. Serialized as its int value.
enum class EarlyStoppingMetric : int {
    /// Accuracy (classifier) or R^2 (regressor), as scikit-learn does.
    score = 0,
    /// The negative mean loss (cross-entropy or half squared error). Smoother than accuracy:
    /// on rare-failure data accuracy barely moves once the majority class is right, so it stops
    /// early and noisily, while the loss keeps rewarding better-ranked probabilities.
    loss = 1
};

/// Why training ended.
enum class FitStatus : int {
    not_fitted = 0,         ///< fit() has not run
    converged = 1,          ///< no improvement by tol for more than n_iter_no_change epochs
    max_iter_reached = 2,   ///< max_iter epochs ran while still improving (more may help)
    stopped_by_callback = 3 ///< the epoch callback asked to stop
};

/// What the epoch callback receives after each epoch.
struct EpochReport {
    int epoch = 0;    ///< 1-based epoch just finished
    int max_iter = 0; ///< the epoch budget (Params::max_iter)
    double loss = 0;  ///< mean training loss of the epoch, L2 penalty included
    /// Accuracy (classifier) or R^2 (regressor) on the held-out rows, or their negative mean
    /// loss (see EarlyStoppingMetric); NaN without early stopping.
    double validation_score = std::numeric_limits<double>::quiet_NaN();
    double learning_rate = 0; ///< the rate used in this epoch
    int epochs_without_improvement = 0;
};

/// Called after every epoch from the thread running fit(). Return true to go on, false to
/// stop training now (the model then keeps its current weights, or the best ones under early
/// stopping, and status() is stopped_by_callback).
using EpochCallback = std::function<bool(const EpochReport&)>;

/// Hyper-parameters of MLPClassifier and MLPRegressor, with scikit-learn's names and defaults.
struct MLPParams {
    /// Units of each hidden layer, input side first. May be empty (a linear model).
    std::vector<int> hidden_layer_sizes{100};
    /// Activation of the hidden layers.
    Activation activation = Activation::relu;
    /// The optimiser.
    Solver solver = Solver::adam;
    /// L2 penalty on the weights (not the biases).
    double alpha = 1e-4;
    /// Rows per mini-batch; -1 means min(200, training rows).
    int batch_size = -1;
    /// Schedule of the sgd solver.
    LearningRate learning_rate = LearningRate::constant;
    /// Initial step size.
    double learning_rate_init = 1e-3;
    /// Exponent of the invscaling schedule.
    double power_t = 0.5;
    /// Maximum number of epochs (passes over the training rows).
    int max_iter = 200;
    /// Reshuffle the training rows before every epoch.
    bool shuffle = true;
    /// Seeds the initial weights, the shuffles and the validation split.
    std::uint64_t seed = 0;
    /// Smallest improvement of the loss (or validation score) that counts.
    double tol = 1e-4;
    /// Momentum of the sgd solver, in [0, 1].
    double momentum = 0.9;
    /// Nesterov's momentum for the sgd solver.
    bool nesterovs_momentum = true;
    /// Hold out validation_fraction of the rows and stop when the score on them stops
    /// improving; the best weights are kept.
    bool early_stopping = false;
    /// What early stopping watches (scikit-learn: the score).
    EarlyStoppingMetric early_stopping_metric = EarlyStoppingMetric::score;
    /// Fraction of rows held out for early stopping (stratified by class for classifiers).
    double validation_fraction = 0.1;
    /// Adam's decay rates of the first and second moment estimates, in [0, 1).
    double beta_1 = 0.9;
    double beta_2 = 0.999;
    /// Adam's guard against division by zero.
    double epsilon = 1e-8;
    /// Epochs without improvement tolerated before stopping.
    int n_iter_no_change = 10;
    /// Start from the fitted weights of the previous fit instead of a fresh initialisation.
    bool warm_start = false;
};

namespace detail {

/// Throws invalid_argument for the first unacceptable hyper-parameter, naming it.
inline void check_mlp_params(const MLPParams& p, const std::string& who) {
    const auto fail = [&](const std::string& what) {
        PROGNOS_THROW(invalid_argument(who + ": " + what));
    };
    for (std::size_t i = 0; i < p.hidden_layer_sizes.size(); ++i) {
        if (p.hidden_layer_sizes[i] < 1) {
            fail("hidden_layer_sizes[" + std::to_string(i) + "] must be >= 1, got " +
                 std::to_string(p.hidden_layer_sizes[i]));
        }
    }
    const int act = static_cast<int>(p.activation);
    if (act < 0 || act > 3) {
        fail("activation must be identity, logistic, tanh or relu, got " + std::to_string(act));
    }
    if (p.solver != Solver::sgd && p.solver != Solver::adam) {
        fail("solver must be sgd or adam, got " + std::to_string(static_cast<int>(p.solver)));
    }
    const int lr = static_cast<int>(p.learning_rate);
    if (lr < 0 || lr > 2) {
        fail("learning_rate must be constant, invscaling or adaptive, got " + std::to_string(lr));
    }
    if (!(p.alpha >= 0) || !std::isfinite(p.alpha)) {
        fail("alpha must be finite and >= 0, got " + std::to_string(p.alpha));
    }
    if (p.batch_size == 0 || p.batch_size < -1) {
        fail("batch_size must be >= 1 or -1 (min(200, rows)), got " + std::to_string(p.batch_size));
    }
    if (!(p.learning_rate_init > 0) || !std::isfinite(p.learning_rate_init)) {
        fail("learning_rate_init must be finite and > 0, got " +
             std::to_string(p.learning_rate_init));
    }
    if (!std::isfinite(p.power_t)) {
        fail("power_t must be finite");
    }
    if (p.max_iter < 1) {
        fail("max_iter must be >= 1, got " + std::to_string(p.max_iter));
    }
    if (!(p.tol >= 0) || !std::isfinite(p.tol)) {
        fail("tol must be finite and >= 0, got " + std::to_string(p.tol));
    }
    if (!(p.momentum >= 0 && p.momentum <= 1)) {
        fail("momentum must be in [0, 1], got " + std::to_string(p.momentum));
    }
    const int metric = static_cast<int>(p.early_stopping_metric);
    if (metric < 0 || metric > 1) {
        fail("early_stopping_metric must be score or loss, got " + std::to_string(metric));
    }
    if (p.early_stopping && !(p.validation_fraction > 0 && p.validation_fraction < 1)) {
        fail("validation_fraction must be in (0, 1), got " + std::to_string(p.validation_fraction));
    }
    if (!(p.beta_1 >= 0 && p.beta_1 < 1)) {
        fail("beta_1 must be in [0, 1), got " + std::to_string(p.beta_1));
    }
    if (!(p.beta_2 >= 0 && p.beta_2 < 1)) {
        fail("beta_2 must be in [0, 1), got " + std::to_string(p.beta_2));
    }
    if (!(p.epsilon > 0)) {
        fail("epsilon must be > 0, got " + std::to_string(p.epsilon));
    }
    if (p.n_iter_no_change < 1) {
        fail("n_iter_no_change must be >= 1, got " + std::to_string(p.n_iter_no_change));
    }
}

/// What a training run leaves behind besides the weights.
struct TrainingRecord {
    int n_iter = 0;
    FitStatus status = FitStatus::not_fitted;
    std::vector<double> loss_curve;
    std::vector<double> validation_scores;
    double best_loss = std::numeric_limits<double>::infinity();
    double best_validation_score = -std::numeric_limits<double>::infinity();
};

/// The training data as the loop wants it: samples as columns, in the network's scalar type.
template <class Scalar>
struct TrainingData {
    using Mat = typename Network<Scalar>::Mat;
    Mat x;                         ///< features x rows
    Mat y;                         ///< outputs x rows (one-hot, 0/1 or targets)
    std::vector<Index> train_rows; ///< columns used for the gradient steps
    std::vector<Index> valid_rows; ///< held-out columns (early stopping only)
};

/// Scores held-out predictions: accuracy or R^2. Receives the network outputs and the targets.
using ValidationScorer =
    std::function<double(const Eigen::MatrixXd& out, const Eigen::MatrixXd& y)>;

/// Update rule state; one flat vector per moment, like the parameters.
template <class Scalar>
struct Optimizer {
    using Vec = typename Network<Scalar>::Vec;
    Solver solver = Solver::adam;
    double learning_rate = 1e-3;
    Vec m; ///< Adam first moment, or SGD velocity
    Vec v; ///< Adam second moment
    long long t = 0;

    void step(const MLPParams& p, Vec& params, const Vec& grad) {
        if (m.size() != params.size()) {
            m = Vec::Zero(params.size());
            v = Vec::Zero(solver == Solver::adam ? params.size() : 0);
        }
        if (solver == Solver::adam) {
            ++t;
            const double b1 = p.beta_1, b2 = p.beta_2;
            m = Scalar(b1) * m + Scalar(1 - b1) * grad;
            v = Scalar(b2) * v + Scalar(1 - b2) * grad.cwiseAbs2();
            // Bias correction folded into the step size, as in the Adam paper's section 2.
            const auto rate = static_cast<Scalar>(
                learning_rate * std::sqrt(1 - std::pow(b2, static_cast<double>(t))) /
                (1 - std::pow(b1, static_cast<double>(t))));
            params.array() -= rate * m.array() / (v.array().sqrt() + Scalar(p.epsilon));
        } else {
            const auto mu = static_cast<Scalar>(p.momentum);
            const auto rate = static_cast<Scalar>(learning_rate);
            m = mu * m - rate * grad;
            if (p.nesterovs_momentum) {
                params += mu * m - rate * grad;
            } else {
                params += m;
            }
        }
    }
};

/// Gathers the columns `rows[begin, end)` of `from` into `to`.
template <class Mat>
void gather_columns(
    const Mat& from, const std::vector<Index>& rows, std::size_t begin, std::size_t end, Mat& to) {
    to.resize(from.rows(), static_cast<Index>(end - begin));
    for (std::size_t k = begin; k < end; ++k) {
        to.col(static_cast<Index>(k - begin)) = from.col(rows[k]);
    }
}

/// Throws the divergence error. `what` is either a quantity ("the loss"), reported as having
/// become non-finite at `epoch`, or a full description that already names the epoch.
[[noreturn]] inline void
diverged(const std::string& who, int epoch, double learning_rate, const std::string& what) {
    const bool described = what.find(" at epoch ") != std::string::npos;
    char rate[32];
    std::snprintf(rate, sizeof rate, "%g", learning_rate);
    PROGNOS_THROW(numerical_error(
        who + ": " +
        (described ? what : what + " became non-finite at epoch " + std::to_string(epoch)) +
        " (training diverged); scale the inputs (a StandardScaler in front; for a regressor also "
        "the target) or lower learning_rate_init (the rate in use was " +
        rate + "). No model was stored."));
}

/**
 * Trains `net` in place on `data` with the settings `p`. `net` must already be initialised
 * (fresh or warm). Calls `on_epoch` after each epoch when set. Throws numerical_error on
 * divergence; `net` is then garbage and the caller discards it.
 */
template <class Scalar>
TrainingRecord train(Network<Scalar>& net,
                     TrainingData<Scalar>& data,
                     const MLPParams& p,
                     const ValidationScorer& score,
                     const EpochCallback& on_epoch,
                     const std::string& who) {
    using Mat = typename Network<Scalar>::Mat;
    using Vec = typename Network<Scalar>::Vec;
    TrainingRecord rec;
    const std::size_t n = data.train_rows.size();
    const std::size_t batch =
        p.batch_size < 0 ? std::min<std::size_t>(200, n) : std::min<std::size_t>(p.batch_size, n);
    Optimizer<Scalar> opt;
    opt.solver = p.solver;
    opt.learning_rate = p.learning_rate_init;
    typename Network<Scalar>::Workspace ws;
    Random rng(p.seed, 2);
    Mat xb, yb;
    Vec best_params;
    Mat valid_x, valid_y;
    if (p.early_stopping) {
        gather_columns(data.x, data.valid_rows, 0, data.valid_rows.size(), valid_x);
        gather_columns(data.y, data.valid_rows, 0, data.valid_rows.size(), valid_y);
    }
    const auto alpha = static_cast<Scalar>(p.alpha);
    int no_improvement = 0;
    double samples_seen = 0;
    rec.status = FitStatus::max_iter_reached;

    for (int epoch = 1; epoch <= p.max_iter; ++epoch) {
        if (p.shuffle) {
            rng.shuffle(data.train_rows.begin(), data.train_rows.end());
        }
        const double epoch_rate = opt.learning_rate;
        double accumulated = 0;
        for (std::size_t start = 0; start < n; start += batch) {
            const std::size_t end = std::min(n, start + batch);
            gather_columns(data.x, data.train_rows, start, end, xb);
            gather_columns(data.y, data.train_rows, start, end, yb);
            const double loss = static_cast<double>(net.loss_and_gradient(xb, yb, alpha, ws));
            if (!std::isfinite(loss) || !ws.grad.allFinite()) {
                diverged(who, epoch, opt.learning_rate, "the loss");
            }
            accumulated += loss * static_cast<double>(end - start);
            opt.step(p, net.params, ws.grad);
        }
        if (!net.params.allFinite()) {
            diverged(who, epoch, opt.learning_rate, "a weight");
        }
        const double loss = accumulated / static_cast<double>(n);
        // Weights racing off while staying finite (dead relu units can cap the output) are
        // divergence too: a healthy run never ends an epoch at 1e8 times its best loss, floored
        // at 1 so that a near-perfect fit wobbling upwards is not mistaken for it.
        if (loss > 1e8 * std::max(rec.best_loss, 1.0) && std::isfinite(rec.best_loss)) {
            char text[120];
            std::snprintf(text,
                          sizeof text,
                          "the loss exploded from %.3g to %.3g at epoch %d",
                          rec.best_loss,
                          loss,
                          epoch);
            diverged(who, epoch, opt.learning_rate, text);
        }
        rec.loss_curve.push_back(loss);
        rec.n_iter = epoch;
        samples_seen += static_cast<double>(n);
        if (p.solver == Solver::sgd && p.learning_rate == LearningRate::invscaling) {
            opt.learning_rate = p.learning_rate_init / std::pow(samples_seen + 1, p.power_t);
        }

        EpochReport report;
        report.epoch = epoch;
        report.max_iter = p.max_iter;
        report.loss = loss;
        report.learning_rate = epoch_rate;
        if (p.early_stopping) {
            typename Network<Scalar>::Workspace vs;
            Mat logits;
            net.forward(valid_x, vs, &logits);
            if (!vs.acts.back().allFinite()) {
                diverged(who, epoch, opt.learning_rate, "a validation prediction");
            }
            const double s =
                p.early_stopping_metric == EarlyStoppingMetric::loss
                    ? -static_cast<double>(net.data_loss(logits, vs.acts.back(), valid_y))
                    : score(vs.acts.back().template cast<double>(),
                            valid_y.template cast<double>());
            rec.validation_scores.push_back(s);
            report.validation_score = s;
            no_improvement = s < rec.best_validation_score + p.tol ? no_improvement + 1 : 0;
            if (s > rec.best_validation_score) {
                rec.best_validation_score = s;
                best_params = net.params;
            }
        } else {
            no_improvement = loss > rec.best_loss - p.tol ? no_improvement + 1 : 0;
        }
        rec.best_loss = std::min(rec.best_loss, loss);
        report.epochs_without_improvement = no_improvement;

        if (on_epoch && !on_epoch(report)) {
            rec.status = FitStatus::stopped_by_callback;
            break;
        }
        if (no_improvement > p.n_iter_no_change) {
            // The adaptive schedule first tries smaller steps; the others stop.
            if (p.solver == Solver::sgd && p.learning_rate == LearningRate::adaptive &&
                opt.learning_rate > 1e-6) {
                opt.learning_rate /= 5;
                no_improvement = 0;
            } else {
                rec.status = FitStatus::converged;
                break;
            }
        }
    }
    if (p.early_stopping && best_params.size() == net.params.size()) {
        net.params = best_params;
    }
    return rec;
}

} // namespace detail
} // namespace prognos
