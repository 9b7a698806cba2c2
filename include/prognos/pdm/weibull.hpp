// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Two-parameter Weibull life analysis with right-censored units: maximum-likelihood fit,
/// reliability and hazard, B-lives, and Fisher-matrix confidence bounds.
///
/// The fit solves the profile equation of the shape beta,
///
///     g(beta) = sum t^b ln t / sum t^b - 1/beta - mean of ln t over failures = 0,
///
/// where the sums run over every unit, failed or censored (a censored unit contributes the
/// survival term only). g is strictly increasing in beta, so the root is unique; Newton steps
/// are safeguarded by a bracket, which makes the solver converge from any start. The scale then
/// follows in closed form, eta = (sum t^beta / r)^(1/beta), r = number of failures. Times are
/// divided by the largest one first so t^beta cannot overflow for large shapes.
///
/// Confidence bounds come from the observed Fisher information at the optimum, carried to each
/// quantity in log space (log beta, log eta, log B-life, log cumulative hazard) so the bounds
/// are positive and reliability bounds stay inside (0, 1). These are the Fisher-matrix bounds of
/// reliability handbooks; with few failures they are too narrow, and likelihood-ratio bounds
/// would be better (not implemented).

#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/weibull.hpp>

#include <algorithm>
#include <cmath>
#include <string>

namespace prognos {

/// A two-sided confidence interval.
struct Interval {
    double lower = 0.0;
    double upper = 0.0;
};

/// A fitted two-parameter Weibull life distribution, F(t) = 1 - exp(-(t/eta)^beta).
class WeibullFit {
public:
    WeibullFit() = default;

    /// From parameters and the covariance of (beta, eta) (zero when unknown).
    WeibullFit(double shape,
               double scale,
               double var_shape = 0.0,
               double var_scale = 0.0,
               double cov = 0.0,
               Index n_failures = 0,
               Index n_censored = 0)
        : shape_(shape)
        , scale_(scale)
        , var_shape_(var_shape)
        , var_scale_(var_scale)
        , cov_(cov)
        , n_failures_(n_failures)
        , n_censored_(n_censored) {}

    double shape() const noexcept { return shape_; } ///< beta

    double scale() const noexcept { return scale_; } ///< eta, the 63.2% life

    Index n_failures() const noexcept { return n_failures_; }

    Index n_censored() const noexcept { return n_censored_; }

    /// Covariance matrix of (beta, eta), the inverse observed information.
    double var_shape() const noexcept { return var_shape_; }

    double var_scale() const noexcept { return var_scale_; }

    double cov_shape_scale() const noexcept { return cov_; }

    /// R(t) = P(life > t).
    double reliability(double t) const {
        return t <= 0.0 ? 1.0 : boost::math::cdf(boost::math::complement(dist(), t));
    }

    /// Failure density f(t).
    double pdf(double t) const { return t < 0.0 ? 0.0 : boost::math::pdf(dist(), t); }

    /// Hazard rate h(t) = f(t) / R(t) = (beta/eta) (t/eta)^(beta-1).
    double hazard(double t) const {
        return t <= 0.0 ? (shape_ < 1.0    ? HUGE_VAL
                           : shape_ == 1.0 ? 1.0 / scale_
                                           : 0.0)
                        : shape_ / scale_ * std::pow(t / scale_, shape_ - 1.0);
    }

    /// Life by which a fraction p of units has failed (B10 life: p = 0.10).
    double b_life(double p) const {
        check_probability(p, "WeibullFit::b_life");
        return boost::math::quantile(dist(), p);
    }

    /// Two-sided Fisher-matrix bounds on beta at the given confidence.
    Interval shape_bounds(double confidence = 0.95) const {
        return log_bounds(shape_, std::sqrt(var_shape_) / shape_, confidence);
    }

    /// Two-sided Fisher-matrix bounds on eta.
    Interval scale_bounds(double confidence = 0.95) const {
        return log_bounds(scale_, std::sqrt(var_scale_) / scale_, confidence);
    }

    /// Two-sided bounds on the B-life for fraction p: delta method on
    /// ln t_p = ln eta + ln(-ln(1-p)) / beta.
    Interval b_life_bounds(double p, double confidence = 0.95) const {
        const double t = b_life(p);
        const double d_shape = -std::log(-std::log1p(-p)) / (shape_ * shape_);
        const double d_scale = 1.0 / scale_;
        return log_bounds(t, std::sqrt(quad(d_shape, d_scale)), confidence);
    }

    /// Two-sided bounds on R(t): delta method on u = ln H(t) = beta (ln t - ln eta), then
    /// R = exp(-exp(u)); the upper bound on u is the lower bound on R.
    Interval reliability_bounds(double t, double confidence = 0.95) const {
        if (t <= 0.0) {
            return {1.0, 1.0};
        }
        const double u = shape_ * (std::log(t) - std::log(scale_));
        const double d_shape = std::log(t) - std::log(scale_);
        const double d_scale = -shape_ / scale_;
        const double z = z_value(confidence);
        const double half = z * std::sqrt(quad(d_shape, d_scale));
        return {std::exp(-std::exp(u + half)), std::exp(-std::exp(u - half))};
    }

    /// The distribution as Boost.Math sees it, for anything not wrapped here.
    boost::math::weibull_distribution<double> dist() const {
        return boost::math::weibull_distribution<double>(shape_, scale_);
    }

private:
    double quad(double a, double b) const {
        return std::max(0.0, a * a * var_shape_ + 2.0 * a * b * cov_ + b * b * var_scale_);
    }

    static double z_value(double confidence) {
        check_probability(confidence, "WeibullFit: confidence");
        return boost::math::quantile(boost::math::normal_distribution<double>(),
                                     0.5 + 0.5 * confidence);
    }

    static Interval log_bounds(double value, double log_se, double confidence) {
        const double f = std::exp(z_value(confidence) * log_se);
        return {value / f, value * f};
    }

    static void check_probability(double p, const char* who) {
        if (!(p > 0.0 && p < 1.0)) {
            PROGNOS_THROW(invalid_argument(std::string(who) + " must lie in (0, 1), got " +
                                           std::to_string(p)));
        }
    }

    double shape_ = 1.0;
    double scale_ = 1.0;
    double var_shape_ = 0.0;
    double var_scale_ = 0.0;
    double cov_ = 0.0;
    Index n_failures_ = 0;
    Index n_censored_ = 0;
};

/**
 * Maximum-likelihood two-parameter Weibull fit to lives with right censoring.
 *
 * @param times time of failure, or of the last observation for a censored unit; all > 0
 * @param failed 1 for a failure, 0 for a unit still running (right-censored)
 * @throws invalid_argument for mismatched sizes, a time <= 0 or not finite, a flag other than
 *         0/1, fewer than two failures, or all failures at one time (no spread, shape
 *         unbounded)
 */
inline WeibullFit fit_weibull(const Vector& times, const IntVector& failed) {
    const std::string who = "fit_weibull";
    if (times.size() != failed.size()) {
        PROGNOS_THROW(invalid_argument(who + ": times has " + std::to_string(times.size()) +
                                       " values but failed has " + std::to_string(failed.size())));
    }
    Index r = 0;
    double t_max = 0.0;
    for (Index i = 0; i < times.size(); ++i) {
        if (!(times[i] > 0.0) || !std::isfinite(times[i])) {
            PROGNOS_THROW(invalid_argument(who + ": times[" + std::to_string(i) + "] is " +
                                           std::to_string(times[i]) +
                                           "; lives must be positive and finite"));
        }
        if (failed[i] != 0 && failed[i] != 1) {
            PROGNOS_THROW(invalid_argument(who + ": failed[" + std::to_string(i) + "] is " +
                                           std::to_string(failed[i]) + "; flags must be 0 or 1"));
        }
        r += failed[i];
        t_max = std::max(t_max, times[i]);
    }
    if (r < 2) {
        PROGNOS_THROW(
            invalid_argument(who + ": needs at least 2 failures, got " + std::to_string(r)));
    }
    const Vector log_t = (times.array() / t_max).log();
    double mean_log_failed = 0.0, min_f = HUGE_VAL, max_f = -HUGE_VAL;
    for (Index i = 0; i < times.size(); ++i) {
        if (failed[i] == 1) {
            mean_log_failed += log_t[i];
            min_f = std::min(min_f, log_t[i]);
            max_f = std::max(max_f, log_t[i]);
        }
    }
    mean_log_failed /= static_cast<double>(r);
    if (!(max_f > min_f)) {
        PROGNOS_THROW(
            invalid_argument(who + ": every failure is at the same time; the shape is unbounded"));
    }

    // g(beta) and g'(beta) of the profile equation on the scaled times.
    auto profile = [&](double beta, double& slope) {
        double s0 = 0.0, s1 = 0.0, s2 = 0.0;
        for (Index i = 0; i < log_t.size(); ++i) {
            const double w = std::exp(beta * log_t[i]);
            s0 += w;
            s1 += w * log_t[i];
            s2 += w * log_t[i] * log_t[i];
        }
        const double a = s1 / s0;
        slope = s2 / s0 - a * a + 1.0 / (beta * beta);
        return a - 1.0 / beta - mean_log_failed;
    };

    // Bracket the root (g < 0 near 0, g > 0 for large beta), then safeguarded Newton.
    double lo = 1e-3, hi = 1.0, slope = 0.0;
    while (profile(hi, slope) < 0.0 && hi < 1e6) {
        lo = hi;
        hi *= 2.0;
    }
    double beta = 0.5 * (lo + hi);
    for (int iter = 0; iter < 200; ++iter) {
        const double g = profile(beta, slope);
        (g < 0.0 ? lo : hi) = beta;
        double next = beta - g / slope;
        if (!(next > lo && next < hi)) {
            next = 0.5 * (lo + hi);
        }
        if (std::abs(next - beta) <= 1e-14 * beta) {
            beta = next;
            break;
        }
        beta = next;
    }

    double sum_w = 0.0;
    for (Index i = 0; i < log_t.size(); ++i) {
        sum_w += std::exp(beta * log_t[i]);
    }
    const double eta = t_max * std::pow(sum_w / static_cast<double>(r), 1.0 / beta);

    // Observed information at the optimum, in (beta, eta). With z = t/eta, w = z^beta,
    // u = ln z and sum w = r there: -d2l/dbeta2 = r/beta^2 + sum w u^2,
    // -d2l/deta2 = r beta^2 / eta^2, -d2l/dbeta deta = -(beta/eta) sum w u.
    double swu = 0.0, swu2 = 0.0;
    const double log_eta = std::log(eta / t_max);
    for (Index i = 0; i < log_t.size(); ++i) {
        const double u = log_t[i] - log_eta;
        const double w = std::exp(beta * u);
        swu += w * u;
        swu2 += w * u * u;
    }
    const double dr = static_cast<double>(r);
    const double i_bb = dr / (beta * beta) + swu2;
    const double i_ee = dr * beta * beta / (eta * eta);
    const double i_be = -(beta / eta) * swu;
    const double det = i_bb * i_ee - i_be * i_be;
    return WeibullFit(beta, eta, i_ee / det, i_bb / det, -i_be / det, r, times.size() - r);
}

} // namespace prognos
