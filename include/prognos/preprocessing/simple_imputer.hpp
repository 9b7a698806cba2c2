// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// SimpleImputer: replaces missing values by a statistic learnt from the training data.
///
/// It works on Tables (numeric and categorical columns) and on Matrices. Two choices differ
/// from a plain port of scikit-learn, both so that nothing is lost silently:
/// - A column with no observed value in training is an error naming it, unless
///   keep_empty_features is set; then it is kept, filled with fill_value (or fill_category) and
///   a warning naming it is recorded. The output never has fewer columns than the input.
/// - ±infinity counts as missing, both when learning the statistic (so one inf cannot make a
///   mean infinite) and when transforming (so the models behind get finite values).
/// Categorical columns are filled with their most frequent category whatever the numeric
/// strategy is, because a mean or median of categories has no meaning and one imputer for a
/// whole mixed table is the common case; strategy constant fills them with fill_category.

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>
#include <prognos/data/table.hpp>
#include <prognos/preprocessing/detail/common.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace prognos {

/// Fills missing values (NaN, ±infinity, missing categories) with per-column statistics.
class SimpleImputer {
public:
    /// How the fill value of a numeric column is chosen.
    enum class Strategy {
        mean,          ///< mean of the observed values
        median,        ///< median; the mean of the two middle values for an even count
        most_frequent, ///< most common value; ties go to the smallest, as in scikit-learn
        constant       ///< fill_value, and fill_category for categorical columns
    };

    /// Hyper-parameters, named and defaulted as in scikit-learn.
    struct Params {
        Strategy strategy = Strategy::mean;
        /// Fill for numeric columns under Strategy::constant and for empty kept columns.
        double fill_value = 0.0;
        /// Fill for categorical columns under Strategy::constant and for empty kept columns.
        std::string fill_category = "missing_value";
        /// Keep a column with no observed training value (filled as above, with a warning)
        /// instead of failing.
        bool keep_empty_features = false;
    };

    /// The name artifacts store this type under.
    static const char* type_name() { return "SimpleImputer"; }

    SimpleImputer() = default;

    explicit SimpleImputer(const Params& params)
        : params_(params) {}

    /// The parameters; changes take effect at the next fit.
    Params& params() noexcept { return params_; }

    /// The parameters.
    const Params& params() const noexcept { return params_; }

    /// Learns one fill value per column of `table`.
    /// @throws invalid_argument for an empty table, a non-finite fill_value, or columns with no
    /// observed value (all named) unless keep_empty_features
    SimpleImputer& fit(const Table& table) {
        const std::string who = "SimpleImputer::fit";
        check_params(who);
        if (table.empty()) {
            PROGNOS_THROW(invalid_argument(who + ": empty training table (" +
                                           std::to_string(table.rows()) + " rows, " +
                                           std::to_string(table.cols()) + " columns)"));
        }
        Fitted next;
        next.schema = detail::names_and_types(table);
        for (const auto& column : table.columns()) {
            if (column.is_numeric()) {
                next.add_numeric(column.name(), column.numbers(), params_);
            } else {
                next.add_categorical(column, params_);
            }
        }
        return adopt(std::move(next), who);
    }

    /// Learns one fill value per column of `X` (columns are called x0, x1, ... in messages).
    SimpleImputer& fit(const Matrix& X) {
        const std::string who = "SimpleImputer::fit";
        check_params(who);
        check_training_shape(X, X.rows(), who);
        Fitted next;
        next.schema = detail::matrix_schema(X.cols());
        std::vector<double> values(static_cast<std::size_t>(X.rows()));
        for (Index j = 0; j < X.cols(); ++j) {
            for (Index i = 0; i < X.rows(); ++i) {
                values[static_cast<std::size_t>(i)] = X(i, j);
            }
            next.add_numeric(
                next.schema.columns[static_cast<std::size_t>(j)].name, values, params_);
        }
        return adopt(std::move(next), who);
    }

    /// The table with missing values filled. Columns are matched to the fitted ones by name
    /// (any order; an unknown or absent column is an error) and come out in fit order. A
    /// filled category that the input column does not list is appended to its categories.
    Table transform(const Table& table) const {
        const std::string who = "SimpleImputer::transform";
        check_fitted(fitted_, who);
        const auto positions = detail::match_columns(table, schema_, who, false);
        Table out;
        for (std::size_t j = 0; j < schema_.size(); ++j) {
            const Column& in = table.column(positions[j]);
            if (in.is_numeric()) {
                std::vector<double> values = in.numbers();
                for (double& v : values) {
                    v = std::isfinite(v) ? v : statistics_[j];
                }
                out.add(Column::numeric(in.name(), std::move(values)));
                continue;
            }
            std::vector<std::int32_t> codes = in.codes();
            std::vector<std::string> categories = in.categories();
            const auto missing = std::count(codes.begin(), codes.end(), Column::missing_code);
            if (missing > 0) {
                const auto fill = code_of(categories, fill_categories_[j]);
                std::replace(codes.begin(), codes.end(), Column::missing_code, fill);
            }
            out.add(Column::categorical(in.name(), std::move(codes), std::move(categories)));
        }
        return out;
    }

    /// The matrix with non-finite values filled; needs a fit without categorical columns.
    Matrix transform(const Matrix& X) const {
        const std::string who = "SimpleImputer::transform";
        check_fitted(fitted_, who);
        for (const auto& c : schema_.columns) {
            if (c.type != ColumnType::numeric) {
                PROGNOS_THROW(invalid_argument(who + ": fitted on a table with categorical " +
                                               "column '" + c.name + "'; pass a Table"));
            }
        }
        check_n_features(static_cast<Index>(schema_.size()), X.cols(), who);
        Matrix out = X;
        for (Index j = 0; j < out.cols(); ++j) {
            const double fill = statistics_[static_cast<std::size_t>(j)];
            for (Index i = 0; i < out.rows(); ++i) {
                double& v = out(i, j);
                v = std::isfinite(v) ? v : fill;
            }
        }
        return out;
    }

    Table fit_transform(const Table& table) { return fit(table).transform(table); }

    Matrix fit_transform(const Matrix& X) { return fit(X).transform(X); }

    bool is_fitted() const noexcept { return fitted_; }

    /// Number of columns seen in fit.
    Index n_features_in() const noexcept { return static_cast<Index>(schema_.size()); }

    /// The output names: the input names unchanged (the fitted names when none are given).
    std::vector<std::string>
    feature_names_out(const std::vector<std::string>& input_names = {}) const {
        const std::string who = "SimpleImputer::feature_names_out";
        check_fitted(fitted_, who);
        return detail::input_names_or(input_names, schema_, who);
    }

    /// Fill value per column; NaN for categorical columns.
    const std::vector<double>& statistics() const noexcept { return statistics_; }

    /// Fill category per column; empty for numeric columns.
    const std::vector<std::string>& fill_categories() const noexcept { return fill_categories_; }

    /// Warnings of the last fit, e.g. a kept column without observed values.
    const std::vector<std::string>& warnings() const noexcept { return warnings_; }

    /// Saves or loads the fitted state; see core/archive.hpp.
    template <class Archive>
    void serialize(Archive& ar) {
        int strategy = static_cast<int>(params_.strategy);
        ar("strategy", strategy);
        ar("fill_value", params_.fill_value);
        ar("fill_category", params_.fill_category);
        ar("keep_empty_features", params_.keep_empty_features);
        detail::serialize_schema(ar, schema_);
        ar("statistics", statistics_);
        ar("fill_categories", fill_categories_);
        ar("warnings", warnings_);
        if (Archive::loading) {
            ar.require(strategy >= 0 && strategy <= 3, "strategy must be 0 to 3");
            params_.strategy = static_cast<Strategy>(strategy);
            ar.require(!schema_.columns.empty(), "no columns");
            ar.require(statistics_.size() == schema_.size() &&
                           fill_categories_.size() == schema_.size(),
                       "statistics and fill_categories need one entry per column");
            for (std::size_t j = 0; j < schema_.size() && j < statistics_.size(); ++j) {
                ar.require(schema_.columns[j].type != ColumnType::numeric ||
                               std::isfinite(statistics_[j]),
                           "the fill value of a numeric column must be finite");
            }
            fitted_ = true;
        }
    }

private:
    /// State under construction during fit, adopted only when fit succeeds.
    struct Fitted {
        Schema schema;
        std::vector<double> statistics;
        std::vector<std::string> fill_categories;
        std::vector<std::string> empty_columns;
        std::vector<std::string> warnings;

        void
        add_numeric(const std::string& name, const std::vector<double>& values, const Params& p) {
            std::vector<double> seen;
            seen.reserve(values.size());
            for (double v : values) {
                if (std::isfinite(v)) {
                    seen.push_back(v);
                }
            }
            fill_categories.emplace_back();
            if (p.strategy == Strategy::constant) {
                statistics.push_back(p.fill_value);
            } else if (seen.empty()) {
                statistics.push_back(p.fill_value);
                note_empty(name, detail::format_number(p.fill_value), p);
            } else {
                statistics.push_back(statistic(seen, p.strategy));
            }
        }

        void add_categorical(const Column& column, const Params& p) {
            statistics.push_back(std::numeric_limits<double>::quiet_NaN());
            if (p.strategy == Strategy::constant) {
                fill_categories.push_back(p.fill_category);
                return;
            }
            std::vector<std::size_t> counts(column.categories().size(), 0);
            for (auto code : column.codes()) {
                if (code != Column::missing_code) {
                    ++counts[static_cast<std::size_t>(code)];
                }
            }
            // Most frequent; ties to the smallest text so the result does not depend on the
            // order categories happen to be listed in.
            std::size_t best = counts.size();
            for (std::size_t k = 0; k < counts.size(); ++k) {
                if (counts[k] == 0) {
                    continue;
                }
                if (best == counts.size() || counts[k] > counts[best] ||
                    (counts[k] == counts[best] &&
                     column.categories()[k] < column.categories()[best])) {
                    best = k;
                }
            }
            if (best == counts.size()) {
                fill_categories.push_back(p.fill_category);
                note_empty(column.name(), "'" + p.fill_category + "'", p);
            } else {
                fill_categories.push_back(column.categories()[best]);
            }
        }

        void note_empty(const std::string& name, const std::string& fill, const Params& p) {
            if (p.keep_empty_features) {
                warnings.push_back("SimpleImputer::fit: column '" + name +
                                   "' has no observed values; kept and filled with " + fill +
                                   " (keep_empty_features)");
            } else {
                empty_columns.push_back(name);
            }
        }
    };

    /// Mean, median or most frequent value of a non-empty list of finite values.
    static double statistic(std::vector<double>& v, Strategy strategy) {
        const auto n = v.size();
        if (strategy == Strategy::mean) {
            // One correction pass removes most of the rounding error of the plain sum.
            double sum = 0;
            for (double x : v) {
                sum += x;
            }
            const double mean = sum / static_cast<double>(n);
            double residual = 0;
            for (double x : v) {
                residual += x - mean;
            }
            return mean + residual / static_cast<double>(n);
        }
        std::sort(v.begin(), v.end());
        if (strategy == Strategy::median) {
            return n % 2 == 1 ? v[n / 2] : 0.5 * v[n / 2 - 1] + 0.5 * v[n / 2];
        }
        double best = v[0];
        std::size_t best_count = 0;
        for (std::size_t i = 0; i < n;) {
            std::size_t k = i;
            while (k < n && v[k] == v[i]) {
                ++k;
            }
            if (k - i > best_count) {
                best = v[i];
                best_count = k - i;
            }
            i = k;
        }
        return best;
    }

    static std::int32_t code_of(std::vector<std::string>& categories, const std::string& text) {
        const auto it = std::find(categories.begin(), categories.end(), text);
        if (it != categories.end()) {
            return static_cast<std::int32_t>(it - categories.begin());
        }
        categories.push_back(text);
        return static_cast<std::int32_t>(categories.size() - 1);
    }

    void check_params(const std::string& who) const {
        if (!std::isfinite(params_.fill_value)) {
            PROGNOS_THROW(invalid_argument(who + ": fill_value must be finite, got " +
                                           detail::format_number(params_.fill_value)));
        }
    }

    SimpleImputer& adopt(Fitted&& next, const std::string& who) {
        if (!next.empty_columns.empty()) {
            const bool one = next.empty_columns.size() == 1;
            PROGNOS_THROW(
                invalid_argument(who + ": column" + (one ? " " : "s ") +
                                 detail::quote_list(next.empty_columns) + (one ? " has" : " have") +
                                 " no observed values (missing in every training row); drop " +
                                 (one ? "it" : "them") +
                                 ", use strategy constant, or set keep_empty_features to keep " +
                                 (one ? "it" : "them") + " filled with fill_value"));
        }
        schema_ = std::move(next.schema);
        statistics_ = std::move(next.statistics);
        fill_categories_ = std::move(next.fill_categories);
        warnings_ = std::move(next.warnings);
        fitted_ = true;
        return *this;
    }

    Params params_;
    Schema schema_;
    std::vector<double> statistics_;
    std::vector<std::string> fill_categories_;
    std::vector<std::string> warnings_;
    bool fitted_ = false;
};

} // namespace prognos
