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
#include <cstdio>
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
    /// @throws invalid_argument unless shape and scale are positive and finite
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
        , n_censored_(n_censored) {
        if (!(shape_ > 0.0 && shape_ < HUGE_VAL && scale_ > 0.0 && scale_ < HUGE_VAL)) {
            PROGNOS_THROW(invalid_argument(
                "WeibullFit: shape and scale must be positive and finite, got shape = " +
                std::to_string(shape_) + ", scale = " + std::to_string(scale_)));
        }
    }

    double shape() const noexcept { return shape_; } ///< beta

    double scale() const noexcept { return scale_; } ///< eta, the 63.2% life

    Index n_failures() const noexcept { return n_failures_; }

    Index n_censored() const noexcept { return n_censored_; }

    /// Covariance matrix of (beta, eta), the inverse observed information.
    double var_shape() const noexcept { return var_shape_; }

    double var_scale() const noexcept { return var_scale_; }

    double cov_shape_scale() const noexcept { return cov_; }

    /// R(t) = P(life > t) = exp(-(t/eta)^beta): 1 for t <= 0, 0 for t = +infinity.
    /// @throws invalid_argument when t is NaN
    double reliability(double t) const {
        check_time(t, "WeibullFit::reliability");
        return t <= 0.0 ? 1.0 : std::exp(-std::pow(t / scale_, shape_));
    }

    /// Failure density f(t) = (beta/eta) (t/eta)^(beta-1) R(t): 0 for t < 0 and at +infinity;
    /// at t = 0 the limit from the right (+infinity for beta < 1, 1/eta for beta = 1, else 0).
    /// Evaluated in logs so (t/eta)^(beta-1) overflowing while R(t) underflows gives 0, not NaN.
    /// @throws invalid_argument when t is NaN
    double pdf(double t) const {
        check_time(t, "WeibullFit::pdf");
        if (t < 0.0 || std::isinf(t)) {
            return 0.0;
        }
        if (t == 0.0) {
            return at_zero();
        }
        const double log_z = std::log(t) - std::log(scale_);
        return std::exp(std::log(shape_ / scale_) + (shape_ - 1.0) * log_z -
                        std::exp(shape_ * log_z));
    }

    /// Hazard rate h(t) = f(t) / R(t) = (beta/eta) (t/eta)^(beta-1): 0 for t < 0; at t = 0
    /// the limit from the right as pdf(); at +infinity +infinity for beta > 1, 1/eta for
    /// beta = 1 and 0 for beta < 1 (what std::pow gives there).
    /// @throws invalid_argument when t is NaN
    double hazard(double t) const {
        check_time(t, "WeibullFit::hazard");
        if (t < 0.0) {
            return 0.0;
        }
        return t == 0.0 ? at_zero() : shape_ / scale_ * std::pow(t / scale_, shape_ - 1.0);
    }

    /// Life by which a fraction p of units has failed (B10 life: p = 0.10),
    /// eta (-ln(1-p))^(1/beta).
    /// @throws invalid_argument unless 0 < p < 1
    double b_life(double p) const {
        check_probability(p, "WeibullFit::b_life");
        return scale_ * std::pow(-std::log1p(-p), 1.0 / shape_);
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
    /// {1, 1} for t <= 0 and {0, 0} at t = +infinity, where R is certain.
    /// @throws invalid_argument when t is NaN or confidence is not in (0, 1)
    Interval reliability_bounds(double t, double confidence = 0.95) const {
        check_time(t, "WeibullFit::reliability_bounds");
        check_probability(confidence, "WeibullFit: confidence");
        if (t <= 0.0) {
            return {1.0, 1.0};
        }
        if (std::isinf(t)) {
            return {0.0, 0.0};
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

    // f and h at t = 0, the limit from the right.
    double at_zero() const noexcept {
        return shape_ < 1.0 ? HUGE_VAL : shape_ == 1.0 ? 1.0 / scale_ : 0.0;
    }

    static void check_time(double t, const char* who) {
        if (std::isnan(t)) {
            PROGNOS_THROW(invalid_argument(std::string(who) + ": t is NaN"));
        }
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
 * The profile log-likelihood of the shape is
 * r ln(beta) + beta sum_failures ln t - r ln(sum_all t^beta) + const. It tends to -infinity as
 * beta -> 0 when r >= 1, and as beta -> infinity it tends to -infinity exactly when some failure
 * is earlier than the largest time of all units (failed or censored); otherwise it grows
 * without bound. So a maximum exists if and only if there is at least one failure and not
 * every failure is at that largest time. One failure is enough when other units ran longer.
 *
 * @param times time of failure, or of the last observation for a censored unit; all > 0
 * @param failed 1 for a failure, 0 for a unit still running (right-censored)
 * @throws invalid_argument for mismatched sizes, a time <= 0 or not finite, a flag other than
 *         0/1, no failure, or every failure at the largest time of all units (no maximum);
 *         numerical_error when the shape estimate falls outside [0.001, 1e6], where the data
 *         carry no usable information about the shape (failure times equal to rounding, or
 *         spread over hundreds of orders of magnitude)
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
    if (r == 0) {
        PROGNOS_THROW(
            invalid_argument(who + ": no failures among " + std::to_string(times.size()) +
                             " units; with every unit censored the likelihood has no maximum"));
    }
    bool failure_before_end = false;
    for (Index i = 0; i < times.size(); ++i) {
        failure_before_end = failure_before_end || (failed[i] == 1 && times[i] < t_max);
    }
    if (!failure_before_end) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", t_max);
        PROGNOS_THROW(invalid_argument(
            who + ": every failure is at the largest time of all units (" + buf +
            "); the likelihood grows without bound in the shape, so there is no maximum (needs "
            "a failure before some other unit's time)"));
    }
    // ln(t / t_max) as a difference of logs: the ratio itself underflows to 0 when the times
    // span more than about 308 decades.
    const double log_t_max = std::log(t_max);
    const Vector log_t = times.array().log() - log_t_max;
    double mean_log_failed = 0.0;
    for (Index i = 0; i < times.size(); ++i) {
        if (failed[i] == 1) {
            mean_log_failed += log_t[i];
        }
    }
    mean_log_failed /= static_cast<double>(r);

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

    // Bracket the root (g < 0 near 0, g > 0 for large beta), then safeguarded Newton. A root
    // outside [0.001, 1e6] is reported rather than clamped: a shape that small or large means
    // the data determine it only through rounding, and returning the bracket end would look
    // like a fit.
    constexpr double beta_min = 1e-3, beta_max = 1e6;
    double slope = 0.0;
    if (!(profile(beta_min, slope) < 0.0)) {
        PROGNOS_THROW(numerical_error(
            who + ": the shape estimate is below " + std::to_string(beta_min) +
            " (failure times spread over too many orders of magnitude); no usable fit"));
    }
    double lo = beta_min, hi = 1.0;
    while (profile(hi, slope) < 0.0) {
        if (hi >= beta_max) {
            PROGNOS_THROW(numerical_error(
                who + ": the shape estimate is above 1e6 (the failure times differ only in "
                      "their last digits); no usable fit"));
        }
        lo = hi;
        hi = std::min(2.0 * hi, beta_max);
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
    const double log_eta = std::log(sum_w / static_cast<double>(r)) / beta; // ln(eta / t_max)
    const double eta = std::exp(log_t_max + log_eta);

    // Observed information at the optimum in (beta, ln eta), which does not depend on the
    // units of time. With z = t/eta, w = z^beta, u = ln z and sum w = r there:
    // -d2l/dbeta2 = r/beta^2 + sum w u^2, -d2l/d(ln eta)2 = r beta^2,
    // -d2l/dbeta d(ln eta) = -beta sum w u. The delta method carries it to eta.
    double swu = 0.0, swu2 = 0.0;
    for (Index i = 0; i < log_t.size(); ++i) {
        const double u = log_t[i] - log_eta;
        const double w = std::exp(beta * u);
        swu += w * u;
        swu2 += w * u * u;
    }
    const double dr = static_cast<double>(r);
    const double i_bb = dr / (beta * beta) + swu2;
    const double i_ll = dr * beta * beta;
    const double i_bl = -beta * swu;
    const double det = i_bb * i_ll - i_bl * i_bl;
    const double var_log_eta = i_bb / det;
    return WeibullFit(
        beta, eta, i_ll / det, eta * eta * var_log_eta, -i_bl / det * eta, r, times.size() - r);
}

} // namespace prognos
