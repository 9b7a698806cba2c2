// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Kernels of the support vector machines: linear, polynomial, RBF and sigmoid, with
/// scikit-learn's parameter names (kernel, gamma, degree, coef0) and libsvm's numbering.
///
/// Kernel values for many pairs are computed in blocks through one matrix product X·Yᵀ
/// (Eigen's blocked GEMM) and one elementwise map, instead of pair by pair: the RBF distance is
/// |x|² + |y|² - 2 x·y with the squared norms computed once per row. That form loses a few
/// digits when two rows are almost equal, so a negative result of the subtraction is clamped
/// to 0 (a distance cannot be negative, and exp(+tiny) would exceed 1).

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>

#include <Eigen/Core>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace prognos {

/// Kernel function type. Serialized as its int value (libsvm's numbering).
enum class Kernel : int {
    linear = 0,  ///< x·y
    poly = 1,    ///< (gamma x·y + coef0)^degree
    rbf = 2,     ///< exp(-gamma |x - y|²), scikit-learn's default
    sigmoid = 3, ///< tanh(gamma x·y + coef0)
};

/// The kernel coefficient gamma: a positive number, or one of scikit-learn's rules computed
/// from the training data at fit.
struct Gamma {
    /// How gamma is obtained.
    enum class Rule : int {
        value = 0,    ///< the number given
        scale = 1,    ///< 1 / (n_features · Var(X)) over every entry of X (the default)
        automatic = 2 ///< 1 / n_features (scikit-learn's 'auto')
    };

    Rule rule = Rule::scale;
    double value = 0.0;

    /// scikit-learn's 'scale' rule.
    static Gamma scale() noexcept { return Gamma{}; }

    /// scikit-learn's 'auto' rule.
    static Gamma automatic() noexcept { return Gamma{Rule::automatic, 0.0}; }

    /// A fixed gamma, which must be > 0 (checked at fit).
    static Gamma of(double g) noexcept { return Gamma{Rule::value, g}; }
};

/// A kernel with every coefficient resolved to a number, as fitted models store it.
struct KernelSpec {
    Kernel type = Kernel::rbf;
    double gamma = 1.0;
    int degree = 3;
    double coef0 = 0.0;

    /// K(a, b) for two rows of `d` values each.
    double operator()(const double* a, const double* b, Index d) const noexcept {
        if (type == Kernel::rbf) {
            double s = 0.0;
            for (Index k = 0; k < d; ++k) {
                const double t = a[k] - b[k];
                s += t * t;
            }
            return std::exp(-gamma * s);
        }
        double dot = 0.0;
        for (Index k = 0; k < d; ++k) {
            dot += a[k] * b[k];
        }
        return from_dot(dot);
    }

    /// The kernel as a function of the dot product, for every type but rbf.
    double from_dot(double dot) const noexcept {
        switch (type) {
        case Kernel::linear:
            return dot;
        case Kernel::poly:
            return power(gamma * dot + coef0, degree);
        case Kernel::sigmoid:
            return std::tanh(gamma * dot + coef0);
        case Kernel::rbf:
            break;
        }
        return dot;
    }

    /**
     * Kernel values between every row of A and every row of B into `out` (A.rows() × B.rows()).
     * `sq_a` and `sq_b` are the squared row norms (used by rbf only).
     */
    template <class MatA, class MatB, class Out>
    void
    block(const MatA& A, const Vector& sq_a, const MatB& B, const Vector& sq_b, Out& out) const {
        out.noalias() = A * B.transpose();
        apply(out, sq_a, sq_b);
    }

    /// Turns a block of dot products into kernel values in place.
    template <class Out>
    void apply(Out& dots, const Vector& sq_a, const Vector& sq_b) const {
        switch (type) {
        case Kernel::linear:
            return;
        case Kernel::rbf:
            dots = ((-2.0 * dots).colwise() + sq_a).rowwise() + sq_b.transpose();
            dots = (dots.array().max(0.0) * -gamma).exp().matrix();
            return;
        case Kernel::poly:
            for (Index j = 0; j < dots.cols(); ++j) {
                for (Index i = 0; i < dots.rows(); ++i) {
                    dots(i, j) = power(gamma * dots(i, j) + coef0, degree);
                }
            }
            return;
        case Kernel::sigmoid:
            dots = (dots.array() * gamma + coef0).tanh().matrix();
            return;
        }
    }

    /// x^n by repeated squaring: exact for the small integer degrees kernels use, and faster
    /// than std::pow.
    static double power(double x, int n) noexcept {
        double r = 1.0;
        while (n > 0) {
            if ((n & 1) != 0) {
                r *= x;
            }
            x *= x;
            n >>= 1;
        }
        return r;
    }
};

namespace detail {

/// Checks kernel hyper-parameters and resolves gamma on the training data X.
inline KernelSpec resolve_kernel(
    Kernel type, Gamma gamma, int degree, double coef0, const Matrix& X, const std::string& who) {
    const int t = static_cast<int>(type);
    if (t < 0 || t > 3) {
        PROGNOS_THROW(invalid_argument(who + ": kernel must be linear, poly, rbf or sigmoid, got " +
                                       std::to_string(t)));
    }
    if (type == Kernel::poly && degree < 1) {
        PROGNOS_THROW(
            invalid_argument(who + ": degree must be >= 1, got " + std::to_string(degree)));
    }
    if (!std::isfinite(coef0)) {
        PROGNOS_THROW(
            invalid_argument(who + ": coef0 must be finite, got " + detail::describe_value(coef0)));
    }
    KernelSpec spec;
    spec.type = type;
    spec.degree = degree;
    spec.coef0 = coef0;
    switch (gamma.rule) {
    case Gamma::Rule::value:
        if (!(gamma.value > 0.0) || !std::isfinite(gamma.value)) {
            PROGNOS_THROW(invalid_argument(who +
                                           ": gamma must be > 0 (or scale / automatic), got " +
                                           detail::describe_value(gamma.value)));
        }
        spec.gamma = gamma.value;
        break;
    case Gamma::Rule::scale: {
        if (type == Kernel::linear) {
            // The linear kernel has no gamma: data it can fit is not refused for a value it
            // never uses.
            spec.gamma = 1.0;
            break;
        }
        // scikit-learn's rule: the variance over every entry of X. Constant data (variance 0)
        // gets gamma = 1, as in scikit-learn, instead of a division by zero.
        // Entries beyond about 1e154 make the variance overflow to infinity, and 1 / inf = 0
        // is no kernel coefficient (the model would fit a constant kernel and could not even
        // be loaded back): refuse it here, naming the cause.
        const double n = static_cast<double>(X.size());
        const double mean = X.sum() / n;
        const double var = (X.array() - mean).square().sum() / n;
        spec.gamma = var > 0.0 ? 1.0 / (static_cast<double>(X.cols()) * var) : 1.0;
        // Entries below about 1e-162 that differ make their squares underflow to a variance
        // of exactly 0; that is not constant data and must not get constant data's gamma.
        const bool underflow = var == 0.0 && X.size() > 0 && X.maxCoeff() > X.minCoeff();
        if (underflow || !std::isfinite(var) || !(spec.gamma > 0.0) || !std::isfinite(spec.gamma)) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "variance %.3g, gamma %.3g", var, spec.gamma);
            PROGNOS_THROW(numerical_error(
                who + ": gamma = scale cannot be computed from X (" + buf +
                "): the variance of the entries overflows or underflows double; scale the "
                "input (e.g. StandardScaler) or give gamma as a number"));
        }
        break;
    }
    case Gamma::Rule::automatic:
        spec.gamma = 1.0 / static_cast<double>(X.cols());
        break;
    default:
        PROGNOS_THROW(invalid_argument(who + ": unknown gamma rule " +
                                       std::to_string(static_cast<int>(gamma.rule))));
    }
    // RBF kernel rows are computed in float (see kernel_cache.hpp); a gamma beyond float's
    // range would become infinity there, and infinity times a zero distance is NaN. It comes
    // from tiny data (gamma = scale on entries around 1e-20) or from a huge gamma given.
    if (type == Kernel::rbf &&
        spec.gamma > static_cast<double>(std::numeric_limits<float>::max())) {
        PROGNOS_THROW(numerical_error(
            who + ": gamma " + detail::describe_value(spec.gamma) +
            " is beyond the float range the rbf kernel rows are computed in (3.4e38); "
            "scale the input (e.g. StandardScaler) or give a smaller gamma"));
    }
    return spec;
}

} // namespace detail
} // namespace prognos
