// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// OneHotEncoder: turns a Table into the numeric matrix models take, one 0/1 column per
/// category.
///
/// Each categorical column expands in place into one column per category seen in fit, sorted by
/// byte order so the layout does not depend on row order; numeric columns pass through, and
/// the output keeps the input's column order. Categories are matched by their text, never by
/// code, since two tables may list the same categories in different orders. Per transform
/// call, each input column's category list is mapped once to output slots, so each row costs
/// O(1).
///
/// A value not seen in fit, or a missing one, is an error naming the column, the value and the
/// row (handle_unknown = error, the default), or a row of zeros (ignore). Missing values are
/// not a category of their own: a model should not learn from "missing" as if it were a
/// machine type, and an imputer in front makes the choice explicit.

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>
#include <prognos/data/table.hpp>
#include <prognos/preprocessing/detail/common.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace prognos {

/// One-hot encodes the categorical columns of a Table and passes numeric ones through.
class OneHotEncoder {
public:
    /// What transform does with a category not seen in fit, or a missing value.
    enum class HandleUnknown {
        error, ///< throw bad_value naming column, value and row
        ignore ///< encode as all zeros
    };

    /// Hyper-parameters, named and defaulted as in scikit-learn.
    struct Params {
        HandleUnknown handle_unknown = HandleUnknown::error;
    };

    /// The name artifacts store this type under.
    static const char* type_name() { return "OneHotEncoder"; }

    OneHotEncoder() = default;

    explicit OneHotEncoder(const Params& params)
        : params_(params) {}

    /// The parameters; changes take effect at the next fit.
    Params& params() noexcept { return params_; }

    /// The parameters.
    const Params& params() const noexcept { return params_; }

    /// Learns the sorted categories of every categorical column.
    /// @throws invalid_argument for an empty table or a categorical column without observed
    /// values; bad_value for a missing value when handle_unknown is error
    OneHotEncoder& fit(const Table& table) {
        const std::string who = "OneHotEncoder::fit";
        if (table.empty()) {
            PROGNOS_THROW(invalid_argument(who + ": empty training table (" +
                                           std::to_string(table.rows()) + " rows, " +
                                           std::to_string(table.cols()) + " columns)"));
        }
        std::vector<std::vector<std::string>> categories(table.cols());
        for (std::size_t j = 0; j < table.cols(); ++j) {
            const Column& c = table.column(j);
            if (c.is_numeric()) {
                continue;
            }
            std::vector<bool> used(c.categories().size(), false);
            for (std::size_t i = 0; i < c.size(); ++i) {
                const auto code = c.codes()[i];
                if (code == Column::missing_code) {
                    if (params_.handle_unknown == HandleUnknown::error) {
                        throw_missing(who, c.name(), i, j);
                    }
                    continue;
                }
                used[static_cast<std::size_t>(code)] = true;
            }
            for (std::size_t k = 0; k < used.size(); ++k) {
                if (used[k]) {
                    categories[j].push_back(c.categories()[k]);
                }
            }
            if (categories[j].empty()) {
                PROGNOS_THROW(
                    invalid_argument(who + ": column '" + c.name() + "' has no observed values"));
            }
            std::sort(categories[j].begin(), categories[j].end());
        }
        schema_ = detail::names_and_types(table);
        categories_ = std::move(categories);
        compute_offsets();
        fitted_ = true;
        return *this;
    }

    /// The encoded matrix. Columns are matched to the fitted ones by name (any order; an
    /// unknown or absent column is an error) and laid out in fit order.
    Matrix transform(const Table& table) const {
        const std::string who = "OneHotEncoder::transform";
        check_fitted(fitted_, who);
        const auto positions = detail::match_columns(table, schema_, who, false);
        const auto rows = static_cast<Index>(table.rows());
        Matrix out = Matrix::Zero(rows, n_features_out_);
        for (std::size_t j = 0; j < schema_.size(); ++j) {
            const Column& c = table.column(positions[j]);
            const Index offset = offsets_[j];
            if (c.is_numeric()) {
                for (Index i = 0; i < rows; ++i) {
                    out(i, offset) = c.numbers()[static_cast<std::size_t>(i)];
                }
                continue;
            }
            const auto slots = slots_for(c.categories(), categories_[j]);
            for (Index i = 0; i < rows; ++i) {
                const auto row = static_cast<std::size_t>(i);
                const auto code = c.codes()[row];
                if (code == Column::missing_code) {
                    if (params_.handle_unknown == HandleUnknown::error) {
                        throw_missing(who, c.name(), row, positions[j]);
                    }
                    continue;
                }
                const Index slot = slots[static_cast<std::size_t>(code)];
                if (slot >= 0) {
                    out(i, offset + slot) = 1.0;
                } else if (params_.handle_unknown == HandleUnknown::error) {
                    PROGNOS_THROW(bad_value(
                        who + ": column '" + c.name() + "', row " + std::to_string(row) +
                            ": unknown category '" + std::string(c.category_at(row)) +
                            "' (categories seen in fit: " + detail::quote_list(categories_[j]) +
                            "); set handle_unknown to ignore to encode unknown values as zeros",
                        i,
                        static_cast<long long>(positions[j])));
                }
            }
        }
        return out;
    }

    Matrix fit_transform(const Table& table) { return fit(table).transform(table); }

    bool is_fitted() const noexcept { return fitted_; }

    Index n_features_in() const noexcept { return static_cast<Index>(schema_.size()); }

    /// Number of output columns.
    Index n_features_out() const noexcept { return n_features_out_; }

    /// Output names: a numeric column keeps its name, a categorical one gives "name=category"
    /// per category (e.g. "Type=H", "Type=L", "Type=M"). Uses the fitted names when none are
    /// given.
    std::vector<std::string>
    feature_names_out(const std::vector<std::string>& input_names = {}) const {
        const std::string who = "OneHotEncoder::feature_names_out";
        check_fitted(fitted_, who);
        const auto names = detail::input_names_or(input_names, schema_, who);
        std::vector<std::string> out;
        for (std::size_t j = 0; j < names.size(); ++j) {
            if (schema_.columns[j].type == ColumnType::numeric) {
                out.push_back(names[j]);
            }
            for (const auto& cat : categories_[j]) {
                out.push_back(names[j] + "=" + cat);
            }
        }
        return out;
    }

    /// Sorted categories per input column (empty for numeric columns).
    const std::vector<std::vector<std::string>>& categories() const noexcept { return categories_; }

    /// Saves or loads the fitted state; see core/archive.hpp.
    template <class Archive>
    void serialize(Archive& ar) {
        int handle_unknown = static_cast<int>(params_.handle_unknown);
        ar("handle_unknown", handle_unknown);
        detail::serialize_schema(ar, schema_);
        // Flattened, since the archive holds vectors of strings but not vectors of vectors.
        std::vector<std::string> flat;
        std::vector<int> counts;
        if (!Archive::loading) {
            for (const auto& cats : categories_) {
                counts.push_back(static_cast<int>(cats.size()));
                flat.insert(flat.end(), cats.begin(), cats.end());
            }
        }
        ar("categories", flat);
        ar("category_counts", counts);
        if (Archive::loading) {
            ar.require(handle_unknown == 0 || handle_unknown == 1,
                       "handle_unknown must be 0 (error) or 1 (ignore)");
            params_.handle_unknown = static_cast<HandleUnknown>(handle_unknown);
            ar.require(!schema_.columns.empty(), "no columns");
            ar.require(counts.size() == schema_.size(),
                       "category_counts needs one entry per column");
            std::vector<std::vector<std::string>> categories;
            std::size_t next = 0;
            for (std::size_t j = 0; j < schema_.size() && j < counts.size(); ++j) {
                const bool numeric = schema_.columns[j].type == ColumnType::numeric;
                ar.require(numeric ? counts[j] == 0 : counts[j] > 0,
                           "a numeric column has no categories, a categorical one at least one");
                const auto count = static_cast<std::size_t>(std::max(counts[j], 0));
                ar.require(next + count <= flat.size(), "category_counts exceed categories");
                const auto first = flat.begin() + static_cast<std::ptrdiff_t>(next);
                categories.emplace_back(first, first + static_cast<std::ptrdiff_t>(count));
                // Transform finds slots by binary search, which needs strictly sorted lists.
                ar.require(std::adjacent_find(categories.back().begin(),
                                              categories.back().end(),
                                              [](const std::string& a, const std::string& b) {
                                                  return !(a < b);
                                              }) == categories.back().end(),
                           "categories of each column must be sorted and unique");
                next += count;
            }
            ar.require(next == flat.size(), "categories left over after category_counts");
            categories_ = std::move(categories);
            compute_offsets();
            fitted_ = true;
        }
    }

private:
    /// For each code of an input column, its output slot, or -1 for a category not seen in fit.
    static std::vector<Index> slots_for(const std::vector<std::string>& given,
                                        const std::vector<std::string>& fitted) {
        std::vector<Index> slots(given.size(), -1);
        for (std::size_t k = 0; k < given.size(); ++k) {
            const auto it = std::lower_bound(fitted.begin(), fitted.end(), given[k]);
            if (it != fitted.end() && *it == given[k]) {
                slots[k] = static_cast<Index>(it - fitted.begin());
            }
        }
        return slots;
    }

    [[noreturn]] static void throw_missing(const std::string& who,
                                           const std::string& column,
                                           std::size_t row,
                                           std::size_t position) {
        PROGNOS_THROW(bad_value(who + ": column '" + column + "', row " + std::to_string(row) +
                                    ": value is missing; put a SimpleImputer (most_frequent or "
                                    "constant) before the encoder, or set handle_unknown to "
                                    "ignore to encode it as zeros",
                                static_cast<long long>(row),
                                static_cast<long long>(position)));
    }

    void compute_offsets() {
        offsets_.assign(schema_.size(), 0);
        Index next = 0;
        for (std::size_t j = 0; j < schema_.size(); ++j) {
            offsets_[j] = next;
            next += schema_.columns[j].type == ColumnType::numeric
                        ? 1
                        : static_cast<Index>(categories_[j].size());
        }
        n_features_out_ = next;
    }

    Params params_;
    Schema schema_;
    std::vector<std::vector<std::string>> categories_;
    std::vector<Index> offsets_;
    Index n_features_out_ = 0;
    bool fitted_ = false;
};

} // namespace prognos
