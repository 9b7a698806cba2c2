// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// StandardScaler: centres each column on its mean and divides by its population standard
/// deviation (ddof = 0, as scikit-learn).
///
/// Two numerical choices matter. The variance is computed in two passes around the mean, with
/// the correction term of Chan, Golub and LeVeque, because the one-pass E[x²] − E[x]² loses all
/// digits when the mean is large next to the spread (temperatures in kelvin, counters). And a
/// column is treated as constant when its standard deviation is within rounding noise of zero
/// relative to its mean (detail::is_negligible_spread), not only when it is exactly zero:
/// twenty copies of 14.62 have a computed deviation of about 1.8e-15, and dividing the equally
/// tiny centred values by it would turn a constant into ±1. A constant column keeps scale 1, so
/// it comes out as x − mean: 0 on the training data and the plain offset for new values.
///
/// NaN is ignored when learning and passes through transform; infinity is rejected at fit,
/// since no mean or spread can be learnt from it.

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>
#include <prognos/preprocessing/detail/common.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace prognos {

/// Standardises features to zero mean and unit variance.
class StandardScaler {
public:
    /// Hyper-parameters, named and defaulted as in scikit-learn.
    struct Params {
        bool with_mean = true; ///< subtract the mean
        bool with_std = true;  ///< divide by the standard deviation
    };

    /// The name artifacts store this type under.
    static const char* type_name() { return "StandardScaler"; }

    StandardScaler() = default;

    explicit StandardScaler(const Params& params)
        : params_(params) {}

    /// The parameters; changes take effect at the next fit.
    Params& params() noexcept { return params_; }

    /// The parameters.
    const Params& params() const noexcept { return params_; }

    /// Learns per-column mean and standard deviation over the non-NaN values. A column that is
    /// NaN in every row gets mean 0 and scale 1, so its NaN passes through unchanged.
    /// @throws bad_value for an infinite entry; invalid_argument for an empty matrix
    StandardScaler& fit(const Matrix& X) {
        const std::string who = "StandardScaler::fit";
        check_training_shape(X, X.rows(), who);
        reject_infinity(X, who);
        const Index d = X.cols();
        Vector mean = Vector::Zero(d);
        Vector var = Vector::Zero(d);
        Vector scale = Vector::Ones(d);
        for (Index j = 0; j < d; ++j) {
            double sum = 0;
            double n = 0;
            for (Index i = 0; i < X.rows(); ++i) {
                if (!std::isnan(X(i, j))) {
                    sum += X(i, j);
                    n += 1;
                }
            }
            if (n == 0) {
                continue;
            }
            const double m = sum / n;
            double sum_d = 0;
            double sum_d2 = 0;
            for (Index i = 0; i < X.rows(); ++i) {
                if (!std::isnan(X(i, j))) {
                    const double dev = X(i, j) - m;
                    sum_d += dev;
                    sum_d2 += dev * dev;
                }
            }
            // sum_d would be 0 in exact arithmetic; subtracting its square removes the error
            // that the rounded mean leaves in sum_d2.
            mean(j) = m + sum_d / n;
            var(j) = std::max(0.0, (sum_d2 - sum_d * sum_d / n) / n);
            const double sd = std::sqrt(var(j));
            scale(j) = detail::is_negligible_spread(sd, mean(j), n) ? 1.0 : sd;
        }
        mean_ = std::move(mean);
        var_ = std::move(var);
        scale_ = std::move(scale);
        fitted_ = true;
        return *this;
    }

    /// (x − mean) / scale per column, as the parameters ask.
    Matrix transform(const Matrix& X) const {
        const std::string who = "StandardScaler::transform";
        check_fitted(fitted_, who);
        check_n_features(mean_.size(), X.cols(), who);
        Matrix out = X;
        if (params_.with_mean) {
            out.rowwise() -= mean_.transpose();
        }
        if (params_.with_std) {
            out.array().rowwise() /= scale_.transpose().array();
        }
        return out;
    }

    /// Undoes transform.
    Matrix inverse_transform(const Matrix& Z) const {
        const std::string who = "StandardScaler::inverse_transform";
        check_fitted(fitted_, who);
        check_n_features(mean_.size(), Z.cols(), who);
        Matrix out = Z;
        if (params_.with_std) {
            out.array().rowwise() *= scale_.transpose().array();
        }
        if (params_.with_mean) {
            out.rowwise() += mean_.transpose();
        }
        return out;
    }

    Matrix fit_transform(const Matrix& X) { return fit(X).transform(X); }

    bool is_fitted() const noexcept { return fitted_; }

    Index n_features_in() const noexcept { return mean_.size(); }

    /// The output names: the input names unchanged (x0, x1, ... when none are given).
    std::vector<std::string>
    feature_names_out(const std::vector<std::string>& input_names = {}) const {
        const std::string who = "StandardScaler::feature_names_out";
        check_fitted(fitted_, who);
        return detail::input_names_or(input_names, detail::matrix_schema(mean_.size()), who);
    }

    /// Per-column mean of the training data.
    const Vector& mean() const noexcept { return mean_; }

    /// Per-column population variance of the training data.
    const Vector& var() const noexcept { return var_; }

    /// Per-column divisor: the standard deviation, or 1 for a constant column.
    const Vector& scale() const noexcept { return scale_; }

    /// Saves or loads the fitted state; see core/archive.hpp.
    template <class Archive>
    void serialize(Archive& ar) {
        ar("with_mean", params_.with_mean);
        ar("with_std", params_.with_std);
        ar("mean", mean_);
        ar("var", var_);
        ar("scale", scale_);
        if (Archive::loading) {
            ar.require(mean_.size() > 0 && var_.size() == mean_.size() &&
                           scale_.size() == mean_.size(),
                       "mean, var and scale need one entry per feature");
            ar.require(mean_.allFinite() && var_.allFinite(), "mean and var must be finite");
            ar.require(scale_.allFinite() && (scale_.array() > 0).all(),
                       "scale must be finite and positive");
            fitted_ = true;
        }
    }

private:
    static void reject_infinity(const Matrix& X, const std::string& who) {
        for (Index i = 0; i < X.rows(); ++i) {
            for (Index j = 0; j < X.cols(); ++j) {
                if (std::isinf(X(i, j))) {
                    PROGNOS_THROW(bad_value(who + ": " + prognos::detail::row_name(i) +
                                                ", feature " + std::to_string(j) + " is " +
                                                detail::format_number(X(i, j)) +
                                                "; put a SimpleImputer first, which treats "
                                                "infinity as missing",
                                            i,
                                            j));
                }
            }
        }
    }

    Params params_;
    Vector mean_;
    Vector var_;
    Vector scale_;
    bool fitted_ = false;
};

} // namespace prognos
