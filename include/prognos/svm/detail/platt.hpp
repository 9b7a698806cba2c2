// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Probabilities from SVM decision values.
///
/// Two-class: Platt's sigmoid P(first class | f) = 1 / (1 + exp(A f + B)), fitted by the
/// Newton method with backtracking of Lin, Lin and Weng, "A note on Platt's probabilistic
/// outputs for support vector machines", Machine Learning 68 (2007), on regularised targets
/// (N₊ + 1)/(N₊ + 2) and 1/(N₋ + 2). The decision values come from an internal
/// cross-validation, because values on the training rows themselves are over-confident.
///
/// Several classes: pairwise coupling, method 2 of Wu, Lin and Weng, "Probability estimates
/// for multi-class classification by pairwise coupling", JMLR 5 (2004), solved by their fixed
/// point iteration; the result is renormalised to sum to 1 exactly.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace prognos {
namespace detail {

/// P(first class) for decision value f under the sigmoid (A, B), computed without overflow.
inline double sigmoid_predict(double f, double A, double B) noexcept {
    const double z = f * A + B;
    return z >= 0.0 ? std::exp(-z) / (1.0 + std::exp(-z)) : 1.0 / (1.0 + std::exp(z));
}

/// Fits (A, B) to decision values `dec` with labels `positive` (true: first class).
inline void sigmoid_train(const std::vector<double>& dec,
                          const std::vector<bool>& positive,
                          double& A,
                          double& B) {
    double n_pos = 0.0;
    double n_neg = 0.0;
    for (bool p : positive) {
        (p ? n_pos : n_neg) += 1.0;
    }
    const double hi = (n_pos + 1.0) / (n_pos + 2.0);
    const double lo = 1.0 / (n_neg + 2.0);
    const std::size_t n = dec.size();
    std::vector<double> t(n);
    for (std::size_t i = 0; i < n; ++i) {
        t[i] = positive[i] ? hi : lo;
    }
    // Cross-entropy of (A, B), with log(1 + exp(.)) arranged to never overflow.
    auto loss = [&](double a, double b) {
        double f = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            const double z = dec[i] * a + b;
            f += z >= 0.0 ? t[i] * z + std::log1p(std::exp(-z))
                          : (t[i] - 1.0) * z + std::log1p(std::exp(z));
        }
        return f;
    };
    A = 0.0;
    B = std::log((n_neg + 1.0) / (n_pos + 1.0));
    double fval = loss(A, B);
    constexpr int max_iter = 100;
    constexpr double min_step = 1e-10;
    constexpr double sigma = 1e-12; // keeps the Hessian invertible when all f are equal
    constexpr double eps = 1e-5;
    for (int it = 0; it < max_iter; ++it) {
        double h11 = sigma, h22 = sigma, h21 = 0.0, g1 = 0.0, g2 = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            const double z = dec[i] * A + B;
            double p = 0.0;
            double q = 0.0;
            if (z >= 0.0) {
                p = std::exp(-z) / (1.0 + std::exp(-z));
                q = 1.0 / (1.0 + std::exp(-z));
            } else {
                p = 1.0 / (1.0 + std::exp(z));
                q = std::exp(z) / (1.0 + std::exp(z));
            }
            const double d2 = p * q;
            h11 += dec[i] * dec[i] * d2;
            h22 += d2;
            h21 += dec[i] * d2;
            const double d1 = t[i] - p;
            g1 += dec[i] * d1;
            g2 += d1;
        }
        if (std::fabs(g1) < eps && std::fabs(g2) < eps) {
            break;
        }
        const double det = h11 * h22 - h21 * h21;
        const double dA = -(h22 * g1 - h21 * g2) / det;
        const double dB = -(-h21 * g1 + h11 * g2) / det;
        const double gd = g1 * dA + g2 * dB;
        double step = 1.0;
        while (step >= min_step) {
            const double a = A + step * dA;
            const double b = B + step * dB;
            const double f = loss(a, b);
            if (std::isfinite(f) && f < fval + 0.0001 * step * gd) {
                A = a;
                B = b;
                fval = f;
                break;
            }
            step /= 2.0;
        }
        if (step < min_step) {
            break;
        }
    }
    if (!std::isfinite(A) || !std::isfinite(B)) {
        // Never reached with finite decision values; kept so that a NaN can never leak into
        // predict_proba: fall back to the class prior.
        A = 0.0;
        B = std::log((n_neg + 1.0) / (n_pos + 1.0));
    }
}

/**
 * Class probabilities p (k entries) from pairwise probabilities r (k×k row-major, r[i*k+j] =
 * P(i | i or j), r[j*k+i] = 1 - r[i*k+j]). `work` needs room for k*k + k doubles.
 */
inline void couple(const double* r, int k, double* p, double* work) {
    double* Q = work;
    double* Qp = work + static_cast<std::size_t>(k) * k;
    const auto at = [k](int i, int j) { return static_cast<std::size_t>(i) * k + j; };
    for (int t = 0; t < k; ++t) {
        p[t] = 1.0 / k;
        Q[at(t, t)] = 0.0;
        for (int j = 0; j < k; ++j) {
            if (j != t) {
                Q[at(t, t)] += r[at(j, t)] * r[at(j, t)];
                Q[at(t, j)] = -r[at(j, t)] * r[at(t, j)];
            }
        }
    }
    const int max_iter = std::max(100, k);
    const double eps = 0.005 / k;
    for (int it = 0; it < max_iter; ++it) {
        double pQp = 0.0;
        for (int t = 0; t < k; ++t) {
            Qp[t] = 0.0;
            for (int j = 0; j < k; ++j) {
                Qp[t] += Q[at(t, j)] * p[j];
            }
            pQp += p[t] * Qp[t];
        }
        double max_error = 0.0;
        for (int t = 0; t < k; ++t) {
            max_error = std::max(max_error, std::fabs(Qp[t] - pQp));
        }
        if (max_error < eps) {
            break;
        }
        for (int t = 0; t < k; ++t) {
            const double diff = (-Qp[t] + pQp) / Q[at(t, t)];
            p[t] += diff;
            pQp = (pQp + diff * (diff * Q[at(t, t)] + 2.0 * Qp[t])) / (1.0 + diff) / (1.0 + diff);
            for (int j = 0; j < k; ++j) {
                Qp[j] = (Qp[j] + diff * Q[at(t, j)]) / (1.0 + diff);
                p[j] /= (1.0 + diff);
            }
        }
    }
    double sum = 0.0;
    for (int t = 0; t < k; ++t) {
        p[t] = std::min(1.0, std::max(0.0, p[t]));
        sum += p[t];
    }
    for (int t = 0; t < k; ++t) {
        p[t] /= sum;
    }
}

} // namespace detail
} // namespace prognos
