// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The dense feed-forward network behind MLPClassifier and MLPRegressor: activations, output
/// functions with their losses, the forward and backward pass, and single-row inference.
///
/// All weights and biases live in one flat vector, layer after layer ([W0, b0, W1, b1, ...],
/// each W column-major with one row per unit of the layer it feeds). The optimisers then
/// update every parameter with one vectorised expression, keeping the best weights seen during
/// early stopping is a single copy, and the artifact stores one list of numbers. Samples are
/// columns inside a batch (features x batch), so each layer is one matrix product W * A.
///
/// The scalar type is a template parameter: double for accuracy, float for roughly twice the
/// arithmetic throughput. Inputs arrive as double and are converted on the way in.

#include <prognos/core/random.hpp>
#include <prognos/core/types.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace prognos {

/// Activation of the hidden layers. Serialized as its int value.
enum class Activation : int {
    identity = 0, ///< f(z) = z
    logistic = 1, ///< f(z) = 1 / (1 + exp(-z))
    tanh = 2,     ///< f(z) = tanh(z)
    relu = 3      ///< f(z) = max(0, z) (scikit-learn's default)
};

/// What the output layer computes, which fixes the loss the network minimises.
enum class OutputFunction : int {
    identity = 0, ///< regression: squared error 0.5 * mean (p - y)^2
    logistic = 1, ///< two classes: one sigmoid unit, binary cross-entropy
    softmax = 2   ///< three or more classes: softmax, cross-entropy
};

/// "relu", "tanh", ...: for messages.
inline const char* to_string(Activation a) noexcept {
    switch (a) {
    case Activation::identity:
        return "identity";
    case Activation::logistic:
        return "logistic";
    case Activation::tanh:
        return "tanh";
    case Activation::relu:
        return "relu";
    }
    return "unknown";
}

namespace detail {

/// Widest layer the single-row path handles in stack buffers (see Network::forward_row).
inline constexpr int mlp_row_stack_width = 1024;

/// A dense network with its parameters in one flat vector. Plain data, copyable; the models
/// own one each.
template <class Scalar>
struct Network {
    using Mat = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
    using Vec = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
    using MatMap = Eigen::Map<Mat>;
    using ConstMatMap = Eigen::Map<const Mat>;
    using VecMap = Eigen::Map<Vec>;
    using ConstVecMap = Eigen::Map<const Vec>;

    /// Units per layer: inputs, every hidden layer, outputs. Empty when not built.
    std::vector<int> sizes;
    Activation activation = Activation::relu;
    OutputFunction output = OutputFunction::identity;
    /// [W0, b0, W1, b1, ...]; W_l is sizes[l+1] x sizes[l], column-major.
    Vec params;

    /// Number of weight layers.
    int n_layers() const noexcept { return sizes.empty() ? 0 : static_cast<int>(sizes.size()) - 1; }

    /// Parameters a network with these layer sizes holds.
    static Index count_params(const std::vector<int>& sizes) {
        Index n = 0;
        for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
            n += static_cast<Index>(sizes[l + 1]) * (sizes[l] + 1);
        }
        return n;
    }

    /// Offset of W_l in params; b_l follows it.
    Index offset(int layer) const noexcept {
        Index o = 0;
        for (int l = 0; l < layer; ++l) {
            o += static_cast<Index>(sizes[static_cast<std::size_t>(l) + 1]) *
                 (sizes[static_cast<std::size_t>(l)] + 1);
        }
        return o;
    }

    int fan_in(int l) const noexcept { return sizes[static_cast<std::size_t>(l)]; }

    int fan_out(int l) const noexcept { return sizes[static_cast<std::size_t>(l) + 1]; }

    ConstMatMap weights(int l) const {
        return ConstMatMap(params.data() + offset(l), fan_out(l), fan_in(l));
    }

    ConstVecMap bias(int l) const {
        return ConstVecMap(params.data() + offset(l) + Index{fan_out(l)} * fan_in(l), fan_out(l));
    }

    /// Glorot-uniform initialisation as in scikit-learn: weights and biases uniform in
    /// +-sqrt(6 / (fan_in + fan_out)), or +-sqrt(2 / ...) for logistic units, whose slope at 0
    /// is a quarter of tanh's. Drawn from prognos::Random in double, so a seed gives the same
    /// network on every platform.
    void initialise(std::vector<int> layer_sizes, Activation act, OutputFunction out, Random& rng) {
        sizes = std::move(layer_sizes);
        activation = act;
        output = out;
        params.resize(count_params(sizes));
        const double factor = act == Activation::logistic ? 2.0 : 6.0;
        Index k = 0;
        for (int l = 0; l < n_layers(); ++l) {
            const double bound = std::sqrt(factor / (fan_in(l) + fan_out(l)));
            const Index n = Index{fan_out(l)} * (fan_in(l) + 1);
            for (Index i = 0; i < n; ++i) {
                params[k++] = static_cast<Scalar>(bound * (2.0 * rng.uniform01() - 1.0));
            }
        }
    }

    /// Applies the hidden activation in place.
    static void activate(Activation act, Mat& z) {
        switch (act) {
        case Activation::identity:
            break;
        case Activation::logistic:
            // exp(-z) overflowing to +inf for very negative z gives 1/inf = 0: no NaN.
            z = (Scalar(1) / (Scalar(1) + (-z.array()).exp())).matrix();
            break;
        case Activation::tanh:
            z = z.array().tanh().matrix();
            break;
        case Activation::relu:
            z = z.cwiseMax(Scalar(0));
            break;
        }
    }

    /// Multiplies `delta` by the activation's derivative, written in terms of its output `a`
    /// (so the pre-activations need not be kept).
    static void scale_by_derivative(Activation act, const Mat& a, Mat& delta) {
        switch (act) {
        case Activation::identity:
            break;
        case Activation::logistic:
            delta.array() *= a.array() * (Scalar(1) - a.array());
            break;
        case Activation::tanh:
            delta.array() *= Scalar(1) - a.array().square();
            break;
        case Activation::relu:
            delta = (a.array() > Scalar(0)).select(delta, Scalar(0));
            break;
        }
    }

    /// Working memory of one forward/backward pass, reused from batch to batch.
    struct Workspace {
        std::vector<Mat> acts;   ///< acts[0] = input, acts[l] = output of layer l
        std::vector<Mat> deltas; ///< gradient of the loss w.r.t. each layer's pre-activation
        Vec grad;                ///< same layout as params
    };

    /**
     * Forward pass on `x` (features x batch). Leaves every layer's output in ws.acts; the
     * last holds the probabilities or predictions. When `logits` is given, the output layer's
     * pre-activations are copied there (the losses are computed from them, stably).
     */
    void forward(const Mat& x, Workspace& ws, Mat* logits = nullptr) const {
        const int L = n_layers();
        ws.acts.resize(static_cast<std::size_t>(L) + 1);
        ws.acts[0] = x;
        for (int l = 0; l < L; ++l) {
            Mat& a = ws.acts[static_cast<std::size_t>(l) + 1];
            a.noalias() = weights(l) * ws.acts[static_cast<std::size_t>(l)];
            a.colwise() += bias(l);
            if (l + 1 < L) {
                activate(activation, a);
            } else {
                if (logits != nullptr) {
                    *logits = a;
                }
                apply_output(a);
            }
        }
    }

    /// The output function applied in place to pre-activations `z` (outputs x batch).
    void apply_output(Mat& z) const {
        if (output == OutputFunction::logistic) {
            activate(Activation::logistic, z);
        } else if (output == OutputFunction::softmax) {
            // Subtracting each column's maximum keeps exp() from overflowing.
            for (Index j = 0; j < z.cols(); ++j) {
                auto col = z.col(j);
                col.array() = (col.array() - col.maxCoeff()).exp();
                col /= col.sum();
            }
        }
    }

    /**
     * Mean data loss of outputs with pre-activations `z` against targets `y` (both outputs x
     * batch). The cross-entropies are computed from the pre-activations (log-sum-exp with the
     * maximum subtracted; softplus for the sigmoid), so a confident wrong answer costs a large
     * finite amount instead of log(0).
     */
    Scalar data_loss(const Mat& z, const Mat& p, const Mat& y) const {
        const auto batch = static_cast<Scalar>(z.cols());
        switch (output) {
        case OutputFunction::identity:
            return (p - y).squaredNorm() / (Scalar(2) * batch);
        case OutputFunction::logistic: {
            // -[y log s(z) + (1-y) log(1-s(z))] = max(z,0) - y z + log(1 + exp(-|z|))
            const auto za = z.array();
            return (za.max(Scalar(0)) - y.array() * za + (-za.abs()).exp().log1p()).sum() / batch;
        }
        case OutputFunction::softmax: {
            Scalar total = 0;
            for (Index j = 0; j < z.cols(); ++j) {
                const Scalar m = z.col(j).maxCoeff();
                const Scalar log_sum = m + std::log((z.col(j).array() - m).exp().sum());
                total -= (y.col(j).array() * (z.col(j).array() - log_sum)).sum();
            }
            return total / batch;
        }
        }
        return Scalar(0);
    }

    /// Sum of squared weights (biases excluded), the L2 penalty before its factor.
    Scalar squared_weights() const {
        Scalar s = 0;
        for (int l = 0; l < n_layers(); ++l) {
            s += weights(l).squaredNorm();
        }
        return s;
    }

    /**
     * Loss of the batch `x` (features x batch) against `y` (outputs x batch), with the L2
     * penalty alpha/2 * |W|^2 / batch as in scikit-learn, and its gradient in ws.grad.
     * For each output function paired with its loss the gradient at the output is simply
     * p - y, which is why the pairs are fixed.
     */
    Scalar loss_and_gradient(const Mat& x, const Mat& y, Scalar alpha, Workspace& ws) const {
        const int L = n_layers();
        Mat logits;
        forward(x, ws, &logits);
        const auto batch = static_cast<Scalar>(x.cols());
        const Scalar loss =
            data_loss(logits, ws.acts.back(), y) + Scalar(0.5) * alpha * squared_weights() / batch;

        ws.deltas.resize(static_cast<std::size_t>(L));
        ws.grad.resize(params.size());
        ws.deltas.back() = (ws.acts.back() - y) / batch;
        for (int l = L - 1; l >= 0; --l) {
            const auto ul = static_cast<std::size_t>(l);
            const Mat& delta = ws.deltas[ul];
            MatMap gw(ws.grad.data() + offset(l), fan_out(l), fan_in(l));
            VecMap gb(ws.grad.data() + offset(l) + Index{fan_out(l)} * fan_in(l), fan_out(l));
            gw.noalias() = delta * ws.acts[ul].transpose();
            gw += (alpha / batch) * weights(l);
            gb = delta.rowwise().sum();
            if (l > 0) {
                ws.deltas[ul - 1].noalias() = weights(l).transpose() * delta;
                scale_by_derivative(activation, ws.acts[ul], ws.deltas[ul - 1]);
            }
        }
        return loss;
    }

    /**
     * Outputs for one row of sizes[0] doubles into `out` (sizes.back() doubles). Allocates
     * nothing while every layer has at most mlp_row_stack_width units: two alternating
     * buffers live on the stack (2 x 1024 scalars, 16 KB for double). Wider networks fall back
     * to heap buffers per call.
     */
    void forward_row(const double* x, double* out) const {
        int widest = 0;
        for (int s : sizes) {
            widest = std::max(widest, s);
        }
        if (widest <= mlp_row_stack_width) {
            Scalar a[mlp_row_stack_width];
            Scalar b[mlp_row_stack_width];
            forward_row_with(x, out, a, b);
        } else {
            std::vector<Scalar> a(static_cast<std::size_t>(widest));
            std::vector<Scalar> b(static_cast<std::size_t>(widest));
            forward_row_with(x, out, a.data(), b.data());
        }
    }

private:
    void forward_row_with(const double* x, double* out, Scalar* a, Scalar* b) const {
        const int L = n_layers();
        for (int j = 0; j < sizes[0]; ++j) {
            a[j] = static_cast<Scalar>(x[j]);
        }
        for (int l = 0; l < L; ++l) {
            VecMap z(b, fan_out(l));
            z.noalias() = weights(l) * ConstVecMap(a, fan_in(l));
            z += bias(l);
            if (l + 1 < L) {
                activate_row(z);
            }
            std::swap(a, b);
        }
        const int k = sizes.back();
        apply_output_row(a, k);
        for (int j = 0; j < k; ++j) {
            out[j] = static_cast<double>(a[j]);
        }
    }

    void activate_row(VecMap& z) const {
        switch (activation) {
        case Activation::identity:
            break;
        case Activation::logistic:
            z = (Scalar(1) / (Scalar(1) + (-z.array()).exp())).matrix();
            break;
        case Activation::tanh:
            z = z.array().tanh().matrix();
            break;
        case Activation::relu:
            z = z.cwiseMax(Scalar(0));
            break;
        }
    }

    void apply_output_row(Scalar* z, int n) const {
        VecMap v(z, n);
        if (output == OutputFunction::logistic) {
            v = (Scalar(1) / (Scalar(1) + (-v.array()).exp())).matrix();
        } else if (output == OutputFunction::softmax) {
            v.array() = (v.array() - v.maxCoeff()).exp();
            v /= v.sum();
        }
    }
};

} // namespace detail
} // namespace prognos
