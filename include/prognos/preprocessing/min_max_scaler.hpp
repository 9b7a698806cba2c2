// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// MinMaxScaler: maps each column's training range linearly onto feature_range.
///
/// A column whose range is only rounding noise relative to its values (the same tolerance as
/// StandardScaler, detail::is_negligible_spread) is treated as constant: its range is taken as
/// 1, so training values map to feature_range.first and new values to first + (x − min) ·
/// (last − first), instead of 0/0 or noise blown up to the full range. NaN is ignored when
/// learning and passes through; infinity is rejected at fit.

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>
#include <prognos/preprocessing/detail/common.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace prognos {

/// Scales features to a fixed range, by default [0, 1].
class MinMaxScaler {
public:
    /// Hyper-parameters, named and defaulted as in scikit-learn.
    struct Params {
        /// Target range (first < second, both finite).
        std::pair<double, double> feature_range{0.0, 1.0};
        /// Clip transformed values into feature_range (new data beyond the training range).
        bool clip = false;
    };

    /// The name artifacts store this type under.
    static const char* type_name() { return "MinMaxScaler"; }

    MinMaxScaler() = default;

    explicit MinMaxScaler(const Params& params)
        : params_(params) {}

    /// The parameters; changes take effect at the next fit.
    Params& params() noexcept { return params_; }

    /// The parameters.
    const Params& params() const noexcept { return params_; }

    /// Learns per-column minimum and maximum over the non-NaN values (an all-NaN column gets
    /// minimum 0 and range 1, so its NaN passes through).
    /// @throws invalid_argument for a bad feature_range or an empty matrix; bad_value for an
    /// infinite entry
    MinMaxScaler& fit(const Matrix& X) {
        const std::string who = "MinMaxScaler::fit";
        const auto [lo, hi] = params_.feature_range;
        if (!(std::isfinite(lo) && std::isfinite(hi) && lo < hi)) {
            PROGNOS_THROW(invalid_argument(who + ": feature_range must be finite with first < " +
                                           "second, got (" + detail::format_number(lo) + ", " +
                                           detail::format_number(hi) + ")"));
        }
        check_training_shape(X, X.rows(), who);
        const Index d = X.cols();
        Vector data_min = Vector::Zero(d);
        Vector data_max = Vector::Zero(d);
        Vector scale = Vector::Constant(d, hi - lo);
        for (Index j = 0; j < d; ++j) {
            double mn = std::numeric_limits<double>::infinity();
            double mx = -mn;
            double n = 0;
            for (Index i = 0; i < X.rows(); ++i) {
                const double v = X(i, j);
                if (std::isinf(v)) {
                    PROGNOS_THROW(bad_value(who + ": " + prognos::detail::row_name(i) +
                                                ", feature " + std::to_string(j) + " is " +
                                                detail::format_number(v) +
                                                "; put a SimpleImputer first, which treats "
                                                "infinity as missing",
                                            i,
                                            j));
                }
                if (!std::isnan(v)) {
                    mn = std::min(mn, v);
                    mx = std::max(mx, v);
                    n += 1;
                }
            }
            if (n == 0) {
                continue;
            }
            data_min(j) = mn;
            data_max(j) = mx;
            const double range = mx - mn;
            const double centre = std::max(std::abs(mn), std::abs(mx));
            if (!detail::is_negligible_spread(range, centre, n)) {
                scale(j) = (hi - lo) / range;
            }
        }
        data_min_ = std::move(data_min);
        data_max_ = std::move(data_max);
        scale_ = std::move(scale);
        fitted_ = true;
        return *this;
    }

    /// first + (x − data_min) · scale per column, clipped if asked.
    Matrix transform(const Matrix& X) const {
        const std::string who = "MinMaxScaler::transform";
        check_fitted(fitted_, who);
        check_n_features(data_min_.size(), X.cols(), who);
        const auto [lo, hi] = params_.feature_range;
        Matrix out = X;
        out.rowwise() -= data_min_.transpose();
        out.array().rowwise() *= scale_.transpose().array();
        out.array() += lo;
        if (params_.clip) {
            // NaN stays NaN: comparisons with it are false.
            out = out.unaryExpr(
                [lo = lo, hi = hi](double v) { return v < lo ? lo : (v > hi ? hi : v); });
        }
        return out;
    }

    /// Undoes transform (for values inside the clip range).
    Matrix inverse_transform(const Matrix& Z) const {
        const std::string who = "MinMaxScaler::inverse_transform";
        check_fitted(fitted_, who);
        check_n_features(data_min_.size(), Z.cols(), who);
        Matrix out = Z;
        out.array() -= params_.feature_range.first;
        out.array().rowwise() /= scale_.transpose().array();
        out.rowwise() += data_min_.transpose();
        return out;
    }

    Matrix fit_transform(const Matrix& X) { return fit(X).transform(X); }

    bool is_fitted() const noexcept { return fitted_; }

    Index n_features_in() const noexcept { return data_min_.size(); }

    /// The output names: the input names unchanged (x0, x1, ... when none are given).
    std::vector<std::string>
    feature_names_out(const std::vector<std::string>& input_names = {}) const {
        const std::string who = "MinMaxScaler::feature_names_out";
        check_fitted(fitted_, who);
        return detail::input_names_or(input_names, detail::matrix_schema(data_min_.size()), who);
    }

    /// Per-column training minimum.
    const Vector& data_min() const noexcept { return data_min_; }

    /// Per-column training maximum.
    const Vector& data_max() const noexcept { return data_max_; }

    /// Per-column factor (second − first) / range; (second − first) for a constant column.
    const Vector& scale() const noexcept { return scale_; }

    /// Saves or loads the fitted state; see core/archive.hpp.
    template <class Archive>
    void serialize(Archive& ar) {
        ar("feature_range_min", params_.feature_range.first);
        ar("feature_range_max", params_.feature_range.second);
        ar("clip", params_.clip);
        ar("data_min", data_min_);
        ar("data_max", data_max_);
        ar("scale", scale_);
        if (Archive::loading) {
            const auto [lo, hi] = params_.feature_range;
            ar.require(std::isfinite(lo) && std::isfinite(hi) && lo < hi,
                       "feature_range must be finite with min < max");
            ar.require(data_min_.size() > 0 && data_max_.size() == data_min_.size() &&
                           scale_.size() == data_min_.size(),
                       "data_min, data_max and scale need one entry per feature");
            ar.require(data_min_.allFinite() && data_max_.allFinite() &&
                           (data_max_.array() >= data_min_.array()).all(),
                       "data_min and data_max must be finite with min <= max");
            ar.require(scale_.allFinite() && (scale_.array() > 0).all(),
                       "scale must be finite and positive");
            fitted_ = true;
        }
    }

private:
    Params params_;
    Vector data_min_;
    Vector data_max_;
    Vector scale_;
    bool fitted_ = false;
};

} // namespace prognos
