// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// A table of named columns, each numeric or categorical, with missing values.
///
/// This is what the CSV reader produces and what a pipeline takes when it is fitted on named
/// data. Numeric columns hold doubles with NaN as the missing marker. Categorical columns hold
/// one small integer code per row into the column's own list of category strings, with -1 as
/// the missing marker. Two tables may list the same categories in different orders; encoders
/// therefore match categories by their text, never by code.

#include <prognos/core/archive.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace prognos {

enum class ColumnType { numeric, categorical };

inline const char* to_string(ColumnType t) noexcept {
    return t == ColumnType::numeric ? "numeric" : "categorical";
}

/// One named column. Build with Column::numeric or Column::categorical.
class Column {
public:
    /// The code of a missing value in a categorical column.
    static constexpr std::int32_t missing_code = -1;

    Column() = default;

    /// A numeric column; NaN entries are missing.
    static Column numeric(std::string name, std::vector<double> values) {
        Column c;
        c.name_ = std::move(name);
        c.type_ = ColumnType::numeric;
        c.numbers_ = std::move(values);
        return c;
    }

    /// A categorical column from codes into `categories` (missing_code for missing).
    /// Throws if a code is out of range or a category is listed twice.
    static Column categorical(std::string name,
                              std::vector<std::int32_t> codes,
                              std::vector<std::string> categories) {
        Column c;
        c.name_ = std::move(name);
        c.type_ = ColumnType::categorical;
        c.codes_ = std::move(codes);
        c.categories_ = std::move(categories);
        std::unordered_map<std::string_view, int> seen;
        for (const auto& cat : c.categories_) {
            if (!seen.emplace(cat, 0).second) {
                PROGNOS_THROW(invalid_argument("column '" + c.name_ + "': category '" + cat +
                                               "' is listed twice"));
            }
        }
        const auto n_categories = static_cast<std::int32_t>(c.categories_.size());
        for (std::size_t i = 0; i < c.codes_.size(); ++i) {
            if (c.codes_[i] < missing_code || c.codes_[i] >= n_categories) {
                PROGNOS_THROW(invalid_argument("column '" + c.name_ + "': row " +
                                               std::to_string(i) + " has category code " +
                                               std::to_string(c.codes_[i]) + " but only " +
                                               std::to_string(n_categories) + " categories exist"));
            }
        }
        return c;
    }

    /// A categorical column from one string per row; `is_missing[i]` marks missing rows (pass
    /// an empty vector when none is missing). Categories are listed in order of first
    /// appearance.
    static Column categorical_from_strings(std::string name,
                                           const std::vector<std::string>& values,
                                           const std::vector<bool>& is_missing = {}) {
        std::vector<std::int32_t> codes(values.size(), missing_code);
        std::vector<std::string> categories;
        std::unordered_map<std::string, std::int32_t> index;
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (!is_missing.empty() && is_missing[i]) {
                continue;
            }
            auto it = index.find(values[i]);
            if (it == index.end()) {
                it = index.emplace(values[i], static_cast<std::int32_t>(categories.size())).first;
                categories.push_back(values[i]);
            }
            codes[i] = it->second;
        }
        return categorical(std::move(name), std::move(codes), std::move(categories));
    }

    const std::string& name() const noexcept { return name_; }

    void rename(std::string name) { name_ = std::move(name); }

    ColumnType type() const noexcept { return type_; }

    bool is_numeric() const noexcept { return type_ == ColumnType::numeric; }

    bool is_categorical() const noexcept { return type_ == ColumnType::categorical; }

    std::size_t size() const noexcept { return is_numeric() ? numbers_.size() : codes_.size(); }

    /// Numeric values (empty for a categorical column).
    const std::vector<double>& numbers() const noexcept { return numbers_; }

    std::vector<double>& numbers() noexcept { return numbers_; }

    /// Category codes, one per row (empty for a numeric column).
    const std::vector<std::int32_t>& codes() const noexcept { return codes_; }

    std::vector<std::int32_t>& codes() noexcept { return codes_; }

    /// The category strings the codes refer to.
    const std::vector<std::string>& categories() const noexcept { return categories_; }

    bool is_missing(std::size_t row) const {
        return is_numeric() ? std::isnan(numbers_[row]) : codes_[row] == missing_code;
    }

    /// The category text of a row of a categorical column; empty for a missing value.
    std::string_view category_at(std::size_t row) const {
        const auto code = codes_[row];
        return code == missing_code ? std::string_view{}
                                    : std::string_view{categories_[static_cast<std::size_t>(code)]};
    }

    /// This column restricted to the given rows, in the given order (rows may repeat).
    Column take(const std::vector<std::size_t>& rows) const {
        Column c;
        c.name_ = name_;
        c.type_ = type_;
        c.categories_ = categories_;
        if (is_numeric()) {
            c.numbers_.reserve(rows.size());
            for (auto r : rows) {
                c.numbers_.push_back(numbers_.at(r));
            }
        } else {
            c.codes_.reserve(rows.size());
            for (auto r : rows) {
                c.codes_.push_back(codes_.at(r));
            }
        }
        return c;
    }

private:
    std::string name_;
    ColumnType type_ = ColumnType::numeric;
    std::vector<double> numbers_;
    std::vector<std::int32_t> codes_;
    std::vector<std::string> categories_;
};

/// The name and type of one column, and for a categorical column the categories seen when the
/// schema was taken.
struct ColumnSchema {
    std::string name;
    ColumnType type = ColumnType::numeric;
    std::vector<std::string> categories;

    template <class Archive>
    void serialize(Archive& ar) {
        std::string kind = to_string(type);
        ar("name", name);
        ar("type", kind);
        ar("categories", categories);
        if (Archive::loading) {
            ar.require(kind == "numeric" || kind == "categorical",
                       "column type must be numeric or categorical, not '" + kind + "'");
            type = kind == "numeric" ? ColumnType::numeric : ColumnType::categorical;
        }
    }
};

/// What a table looked like: the columns, in order. A fitted pipeline keeps the schema of its
/// training data and matches later input to it by name.
struct Schema {
    std::vector<ColumnSchema> columns;

    std::size_t size() const noexcept { return columns.size(); }

    std::vector<std::string> names() const {
        std::vector<std::string> out;
        out.reserve(columns.size());
        for (const auto& c : columns) {
            out.push_back(c.name);
        }
        return out;
    }

    /// Position of the column called `name`, or size() if there is none.
    std::size_t find(std::string_view name) const noexcept {
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (columns[i].name == name) {
                return i;
            }
        }
        return columns.size();
    }

    template <class Archive>
    void serialize(Archive& ar) {
        ar.nested_list("columns", columns);
        if (Archive::loading) {
            for (std::size_t i = 0; i < columns.size(); ++i) {
                ar.require(find(columns[i].name) == i,
                           "column name '" + columns[i].name + "' appears twice");
            }
        }
    }
};

/// Columns of equal length with unique names.
class Table {
public:
    Table() = default;

    /// Number of rows (0 for a table without columns).
    std::size_t rows() const noexcept { return columns_.empty() ? 0 : columns_.front().size(); }

    /// Number of columns.
    std::size_t cols() const noexcept { return columns_.size(); }

    bool empty() const noexcept { return rows() == 0 || cols() == 0; }

    /// Appends a column. Throws if its name is taken or its length differs from the table's.
    Table& add(Column column) {
        if (find(column.name()) != npos) {
            PROGNOS_THROW(
                invalid_argument("table already has a column named '" + column.name() + "'"));
        }
        if (!columns_.empty() && column.size() != rows()) {
            PROGNOS_THROW(invalid_argument("column '" + column.name() + "' has " +
                                           std::to_string(column.size()) +
                                           " rows but the table has " + std::to_string(rows())));
        }
        columns_.push_back(std::move(column));
        return *this;
    }

    static constexpr std::size_t npos = std::numeric_limits<std::size_t>::max();

    /// Position of the column called `name`, or npos.
    std::size_t find(std::string_view name) const noexcept {
        for (std::size_t i = 0; i < columns_.size(); ++i) {
            if (columns_[i].name() == name) {
                return i;
            }
        }
        return npos;
    }

    bool has(std::string_view name) const noexcept { return find(name) != npos; }

    const Column& column(std::size_t i) const { return columns_.at(i); }

    Column& column(std::size_t i) { return columns_.at(i); }

    /// The column called `name`; throws naming it and listing the columns there are.
    const Column& column(std::string_view name) const { return columns_[require(name)]; }

    Column& column(std::string_view name) { return columns_[require(name)]; }

    const std::vector<Column>& columns() const noexcept { return columns_; }

    std::vector<std::string> names() const {
        std::vector<std::string> out;
        out.reserve(columns_.size());
        for (const auto& c : columns_) {
            out.push_back(c.name());
        }
        return out;
    }

    /// The named columns, in the order given.
    Table select(const std::vector<std::string>& names) const {
        Table out;
        for (const auto& n : names) {
            out.add(column(std::string_view{n}));
        }
        return out;
    }

    /// Every column except the named ones; each named column must exist.
    Table drop(const std::vector<std::string>& names) const {
        for (const auto& n : names) {
            require(n);
        }
        Table out;
        for (const auto& c : columns_) {
            bool dropped = false;
            for (const auto& n : names) {
                dropped = dropped || c.name() == n;
            }
            if (!dropped) {
                out.add(c);
            }
        }
        return out;
    }

    /// The given rows, in the given order.
    Table take(const std::vector<std::size_t>& rows) const {
        for (auto r : rows) {
            if (r >= this->rows()) {
                PROGNOS_THROW(invalid_argument("row " + std::to_string(r) +
                                               " is out of range for a table of " +
                                               std::to_string(this->rows()) + " rows"));
            }
        }
        Table out;
        for (const auto& c : columns_) {
            out.columns_.push_back(c.take(rows));
        }
        return out;
    }

    /// All columns as a matrix (rows x columns). Every column must be numeric; a categorical
    /// column is an error that names it, since it needs an encoder first.
    Matrix to_matrix() const {
        Matrix m(static_cast<Index>(rows()), static_cast<Index>(cols()));
        for (std::size_t j = 0; j < columns_.size(); ++j) {
            const auto& c = columns_[j];
            if (!c.is_numeric()) {
                PROGNOS_THROW(invalid_argument("column '" + c.name() +
                                               "' is categorical; encode it (OneHotEncoder) "
                                               "before it reaches a model"));
            }
            for (std::size_t i = 0; i < c.size(); ++i) {
                m(static_cast<Index>(i), static_cast<Index>(j)) = c.numbers()[i];
            }
        }
        return m;
    }

    /// A table of numeric columns from a matrix, with the given names (or x0, x1, ... when
    /// `names` is empty).
    static Table from_matrix(const Matrix& m, std::vector<std::string> names = {}) {
        if (names.empty()) {
            for (Index j = 0; j < m.cols(); ++j) {
                names.push_back("x" + std::to_string(j));
            }
        }
        if (static_cast<Index>(names.size()) != m.cols()) {
            PROGNOS_THROW(invalid_argument("from_matrix: " + std::to_string(names.size()) +
                                           " names for " + std::to_string(m.cols()) + " columns"));
        }
        Table t;
        for (Index j = 0; j < m.cols(); ++j) {
            std::vector<double> v(static_cast<std::size_t>(m.rows()));
            for (Index i = 0; i < m.rows(); ++i) {
                v[static_cast<std::size_t>(i)] = m(i, j);
            }
            t.add(Column::numeric(std::move(names[static_cast<std::size_t>(j)]), std::move(v)));
        }
        return t;
    }

    /// Names, types and categories of the columns.
    Schema schema() const {
        Schema s;
        for (const auto& c : columns_) {
            s.columns.push_back({c.name(), c.type(), c.categories()});
        }
        return s;
    }

private:
    std::size_t require(std::string_view name) const {
        const auto i = find(name);
        if (i == npos) {
            std::string list;
            for (const auto& c : columns_) {
                list += (list.empty() ? "'" : ", '") + c.name() + "'";
            }
            PROGNOS_THROW(invalid_argument("no column named '" + std::string(name) +
                                           "'; the table has " +
                                           (list.empty() ? std::string("no columns") : list)));
        }
        return i;
    }

    std::vector<Column> columns_;
};

/// What to do with columns that the schema does not know.
enum class ExtraColumns { ignore, error };

/// Reorders `table` to match `schema` by column name and checks each column's type.
///
/// Throws invalid_argument listing every missing column and every unexpected one (the
/// unexpected ones are an error only with ExtraColumns::error, but they are named either way
/// when something is missing, since a misspelt name shows up as one of each). A numeric column
/// where the schema has a categorical one (or the reverse) is an error naming the column.
/// Categories are left as they are: encoders match them by text.
inline Table
conform(const Table& table, const Schema& schema, ExtraColumns extra = ExtraColumns::ignore) {
    std::vector<std::string> missing;
    for (const auto& c : schema.columns) {
        if (!table.has(c.name)) {
            missing.push_back(c.name);
        }
    }
    std::vector<std::string> unexpected;
    for (const auto& c : table.columns()) {
        if (schema.find(c.name()) == schema.size()) {
            unexpected.push_back(c.name());
        }
    }
    auto join = [](const std::vector<std::string>& names) {
        std::string s;
        for (const auto& n : names) {
            s += (s.empty() ? "'" : ", '") + n + "'";
        }
        return s;
    };
    if (!missing.empty() || (extra == ExtraColumns::error && !unexpected.empty())) {
        std::string msg = "input columns do not match the model's:";
        if (!missing.empty()) {
            msg += " missing " + join(missing) + ";";
        }
        if (!unexpected.empty()) {
            msg += " unexpected " + join(unexpected) + ";";
        }
        msg += " expected " + join(schema.names());
        PROGNOS_THROW(invalid_argument(msg));
    }

    Table out;
    for (const auto& c : schema.columns) {
        const Column& given = table.column(std::string_view{c.name});
        if (given.type() != c.type) {
            std::string hint;
            if (c.type == ColumnType::categorical) {
                hint = " (when reading CSV, name it in CsvOptions::categorical)";
            } else {
                for (std::size_t i = 0; i < given.size() && hint.empty(); ++i) {
                    if (!given.is_missing(i)) {
                        hint = " and holds text, such as '" + std::string(given.category_at(i)) +
                               "' in row " + std::to_string(i);
                    }
                }
            }
            PROGNOS_THROW(invalid_argument("column '" + c.name + "' should be " +
                                           to_string(c.type) + " but is " +
                                           to_string(given.type()) + hint));
        }
        out.add(given);
    }
    return out;
}

} // namespace prognos
