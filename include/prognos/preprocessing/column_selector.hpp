// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// ColumnSelector: keeps or drops named columns of a Table.
///
/// The kept columns are resolved once, at fit, and stored with their types. Transform then
/// returns exactly those columns in that order whatever else the new table holds, so a drop
/// list cannot let a column that appeared only at serving time slip into the model.

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/data/table.hpp>
#include <prognos/preprocessing/detail/common.hpp>

#include <string>
#include <unordered_set>
#include <vector>

namespace prognos {

/// Selects columns of a Table by name.
class ColumnSelector {
public:
    /// Set exactly one of the two lists.
    struct Params {
        std::vector<std::string> keep; ///< columns to keep, in this output order
        std::vector<std::string> drop; ///< columns to drop; the rest keep their order
    };

    /// The name artifacts store this type under.
    static const char* type_name() { return "ColumnSelector"; }

    ColumnSelector() = default;

    explicit ColumnSelector(const Params& params)
        : params_(params) {}

    /// The parameters; changes take effect at the next fit.
    Params& params() noexcept { return params_; }

    /// The parameters.
    const Params& params() const noexcept { return params_; }

    /// Resolves the kept columns against `table`.
    /// @throws invalid_argument when both or neither list is set, a name is repeated or is not
    /// a column (the message lists the table's columns), or every column would be dropped
    ColumnSelector& fit(const Table& table) {
        const std::string who = "ColumnSelector::fit";
        const bool keeping = !params_.keep.empty();
        if (keeping == !params_.drop.empty()) {
            PROGNOS_THROW(invalid_argument(who + ": set exactly one of keep and drop"));
        }
        const auto& listed = keeping ? params_.keep : params_.drop;
        std::unordered_set<std::string> seen;
        for (const auto& name : listed) {
            if (!seen.insert(name).second) {
                PROGNOS_THROW(invalid_argument(who + ": column '" + name + "' is listed twice"));
            }
            if (!table.has(name)) {
                PROGNOS_THROW(invalid_argument(who + ": no column named '" + name +
                                               "'; the table has " +
                                               detail::quote_list(table.names())));
            }
        }
        Schema kept;
        if (keeping) {
            for (const auto& name : listed) {
                const auto& c = table.column(std::string_view{name});
                kept.columns.push_back({c.name(), c.type(), {}});
            }
        } else {
            for (const auto& c : table.columns()) {
                if (seen.count(c.name()) == 0) {
                    kept.columns.push_back({c.name(), c.type(), {}});
                }
            }
        }
        if (kept.columns.empty()) {
            PROGNOS_THROW(invalid_argument(who + ": drop removes every column"));
        }
        schema_ = std::move(kept);
        fitted_ = true;
        return *this;
    }

    /// The kept columns, in fit order; other columns of `table` are ignored.
    /// @throws invalid_argument when a kept column is absent (listing those expected) or has
    /// changed type
    Table transform(const Table& table) const {
        const std::string who = "ColumnSelector::transform";
        check_fitted(fitted_, who);
        const auto positions = detail::match_columns(table, schema_, who, true);
        Table out;
        for (auto p : positions) {
            out.add(table.column(p));
        }
        return out;
    }

    Table fit_transform(const Table& table) { return fit(table).transform(table); }

    bool is_fitted() const noexcept { return fitted_; }

    /// Names of the kept columns. When `input_names` is given, each kept column must be in it.
    std::vector<std::string>
    feature_names_out(const std::vector<std::string>& input_names = {}) const {
        const std::string who = "ColumnSelector::feature_names_out";
        check_fitted(fitted_, who);
        if (!input_names.empty()) {
            const std::unordered_set<std::string> given(input_names.begin(), input_names.end());
            for (const auto& c : schema_.columns) {
                if (given.count(c.name) == 0) {
                    PROGNOS_THROW(
                        invalid_argument(who + ": input names lack kept column '" + c.name + "'"));
                }
            }
        }
        return schema_.names();
    }

    /// Saves or loads the fitted state; see core/archive.hpp.
    template <class Archive>
    void serialize(Archive& ar) {
        ar("keep", params_.keep);
        ar("drop", params_.drop);
        detail::serialize_schema(ar, schema_);
        if (Archive::loading) {
            ar.require(!schema_.columns.empty(), "no kept columns");
            fitted_ = true;
        }
    }

private:
    Params params_;
    Schema schema_;
    bool fitted_ = false;
};

} // namespace prognos
