// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Helpers shared by the preprocessing transformers: the constant-column tolerance, matching a
/// Table's columns to the ones seen in fit, and saving a column list. Kept in one place so that
/// every transformer judges "constant" alike and words a column mismatch alike.

#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>
#include <prognos/data/table.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iomanip>
#include <limits>
#include <locale>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

namespace prognos {
namespace detail {

/**
 * True when a column's spread (standard deviation or range) is only rounding noise.
 *
 * The bound n * epsilon * |centre| is the error that summing n values of that magnitude can
 * leave in a mean (the bound scikit-learn also uses for its variance test). Twenty copies of
 * 14.62 give a mean one ulp off and a standard deviation near 1.8e-15, well under the bound of
 * about 6.5e-14, while real variation, even at the level of a millionth of the mean, is far
 * above it. The bound is relative, so a constant column of 100.0 or 1e-9 is judged as one of
 * 14.62; `tiny` keeps an all-zero column constant without making ±1e-300 data constant.
 */
inline bool is_negligible_spread(double spread, double centre, double n) noexcept {
    const double eps = std::numeric_limits<double>::epsilon();
    const double magnitude = std::max(std::abs(centre), std::numeric_limits<double>::min());
    return spread <= std::max(n, 1.0) * eps * magnitude;
}

/// "'a', 'b', 'c'".
/// 'a', 'b', 'c': at most 20 names, then "and N more", so that a column with thousands of
/// categories does not turn one error into pages of text.
inline std::string quote_list(const std::vector<std::string>& names) {
    constexpr std::size_t shown = 20;
    std::string s;
    for (std::size_t i = 0; i < names.size() && i < shown; ++i) {
        s += (s.empty() ? "'" : ", '") + names[i] + "'";
    }
    if (names.size() > shown) {
        s += " and " + std::to_string(names.size() - shown) + " more";
    }
    return s;
}

/// Shortest decimal text that reads back as `v`, independent of the global locale.
inline std::string format_number(double v) {
    for (int digits : {6, 15, 17}) {
        std::ostringstream out;
        out.imbue(std::locale::classic());
        out << std::setprecision(digits) << v;
        std::istringstream back(out.str());
        back.imbue(std::locale::classic());
        double r = 0;
        back >> r;
        if (r == v || digits == 17 || !std::isfinite(v)) {
            return out.str();
        }
    }
    return {};
}

/// The schema a Matrix stands for: numeric columns x0, x1, ..., as Table::from_matrix names
/// them, so a transformer fitted on a matrix describes itself like one fitted on a table.
inline Schema matrix_schema(Index n_cols) {
    Schema s;
    for (Index j = 0; j < n_cols; ++j) {
        s.columns.push_back({"x" + std::to_string(j), ColumnType::numeric, {}});
    }
    return s;
}

/// Names and types of a table (categories are left out: each transformer keeps what it needs).
inline Schema names_and_types(const Table& table) {
    Schema s;
    for (const auto& c : table.columns()) {
        s.columns.push_back({c.name(), c.type(), {}});
    }
    return s;
}

/**
 * Finds each column of `schema` in `table` by name and checks its type; returns the table's
 * position of each schema column. Every missing column is listed, and also every unexpected
 * one unless `allow_extra` (a misspelt name shows up as one of each).
 */
inline std::vector<std::size_t>
match_columns(const Table& table, const Schema& schema, const std::string& who, bool allow_extra) {
    std::vector<std::size_t> positions;
    std::vector<std::string> missing;
    for (const auto& c : schema.columns) {
        const auto p = table.find(c.name);
        positions.push_back(p);
        if (p == Table::npos) {
            missing.push_back(c.name);
        }
    }
    std::vector<std::string> unexpected;
    for (const auto& c : table.columns()) {
        if (schema.find(c.name()) == schema.size()) {
            unexpected.push_back(c.name());
        }
    }
    if (!missing.empty() || (!allow_extra && !unexpected.empty())) {
        std::string msg = who + ": input columns do not match those seen in fit:";
        if (!missing.empty()) {
            msg += " missing " + quote_list(missing) + ";";
        }
        if (!unexpected.empty()) {
            msg += " unexpected " + quote_list(unexpected) + ";";
        }
        PROGNOS_THROW(invalid_argument(msg + " expected " + quote_list(schema.names())));
    }
    for (std::size_t j = 0; j < schema.size(); ++j) {
        const auto& given = table.column(positions[j]);
        if (given.type() != schema.columns[j].type) {
            PROGNOS_THROW(invalid_argument(who + ": column '" + given.name() + "' should be " +
                                           to_string(schema.columns[j].type) + " but is " +
                                           to_string(given.type())));
        }
    }
    return positions;
}

/// Input names given to feature_names_out, or the fitted ones when none are given.
inline std::vector<std::string> input_names_or(const std::vector<std::string>& given,
                                               const Schema& schema,
                                               const std::string& who) {
    if (given.empty()) {
        return schema.names();
    }
    if (given.size() != schema.size()) {
        PROGNOS_THROW(invalid_argument(who + ": expected " + std::to_string(schema.size()) +
                                       " input names, got " + std::to_string(given.size())));
    }
    return given;
}

/// Saves or loads names and types of a column list, checking on load that names are non-empty
/// and unique and types are known.
template <class Archive>
void serialize_schema(Archive& ar, Schema& schema) {
    std::vector<std::string> names;
    std::vector<int> types;
    if (!Archive::loading) {
        for (const auto& c : schema.columns) {
            names.push_back(c.name);
            types.push_back(c.type == ColumnType::numeric ? 0 : 1);
        }
    }
    ar("column_names", names);
    ar("column_types", types);
    if (Archive::loading) {
        ar.require(names.size() == types.size(), "column_names and column_types differ in length");
        std::unordered_set<std::string> seen;
        schema.columns.clear();
        for (std::size_t j = 0; j < names.size() && j < types.size(); ++j) {
            ar.require(!names[j].empty() && seen.insert(names[j]).second,
                       "column names must be non-empty and unique");
            ar.require(types[j] == 0 || types[j] == 1,
                       "column_types must be 0 (numeric) or 1 (categorical)");
            schema.columns.push_back(
                {names[j], types[j] == 0 ? ColumnType::numeric : ColumnType::categorical, {}});
        }
    }
}

} // namespace detail
} // namespace prognos
