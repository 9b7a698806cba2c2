// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// DerivedColumns: appends columns computed from pairs of named numeric columns of a Table.
///
/// Physical quantities often explain failures better than the raw readings they come from:
/// mechanical power is torque times angular speed, a heat-transfer margin is the difference
/// of two temperatures, tool overstrain grows with wear times load. Trees can only
/// approximate such a product or difference with many axis-parallel cuts, so writing it down
/// as a column is domain knowledge handed to the model, not a fitted statistic. Each derived
/// column is `scale * (left op right)` with op one of product, difference, ratio and sum; the
/// list is applied in order, so a later entry may use an earlier one's output.
///
/// The step is a Table -> Table pipeline step and is saved in the artifact, so a server
/// computes exactly the columns the trainer did from the same raw inputs; callers never send
/// the derived values. Every input column passes through unchanged and the derived columns
/// are appended after them.
///
/// A derived value that is not a finite number is stored as NaN, a missing value: a missing
/// or infinite input, a ratio by zero (0/0 included), an overflow. The step never produces an
/// infinity, which trees refuse; a missing value is routed by the trees and forests or filled
/// by a SimpleImputer placed after this step. Division by zero is therefore not an error: a
/// reading of 0 in one row of a serving request must not make the whole request fail.

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/data/table.hpp>
#include <prognos/preprocessing/detail/common.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace prognos {

/// Appends columns computed from two named numeric columns each (product, difference, ratio,
/// sum), times a constant scale.
class DerivedColumns {
public:
    /// How the two inputs of a derived column combine. Serialized as its int value.
    enum class Operation : int {
        product = 0,    ///< left * right
        difference = 1, ///< left - right
        ratio = 2,      ///< left / right; NaN (missing) where right is 0
        sum = 3         ///< left + right
    };

    /// One derived column: `name = scale * (left operation right)`.
    struct Spec {
        std::string name;                         ///< the output column; must be new
        Operation operation = Operation::product; ///< how left and right combine
        std::string left;                         ///< first input column (numeric)
        std::string right;                        ///< second input column (numeric)
        double scale = 1.0;                       ///< constant factor, finite

        /// Saves or loads the specification; see core/archive.hpp.
        template <class Archive>
        void serialize(Archive& ar) {
            int op = static_cast<int>(operation);
            ar("name", name);
            ar("operation", op);
            ar("left", left);
            ar("right", right);
            ar("scale", scale);
            if (Archive::loading) {
                ar.require(op >= 0 && op <= 3,
                           "operation must be 0 to 3 (product, difference, ratio, sum)");
                operation = static_cast<Operation>(op);
                ar.require(!name.empty() && !left.empty() && !right.empty(),
                           "a derived column needs a name and two input column names");
                ar.require(std::isfinite(scale), "scale must be finite");
            }
        }
    };

    /// `name = scale * left * right`.
    static Spec product(std::string name, std::string left, std::string right, double scale = 1) {
        return {std::move(name), Operation::product, std::move(left), std::move(right), scale};
    }

    /// `name = scale * (left - right)`.
    static Spec
    difference(std::string name, std::string left, std::string right, double scale = 1) {
        return {std::move(name), Operation::difference, std::move(left), std::move(right), scale};
    }

    /// `name = scale * left / right`; NaN (missing) where the result is not finite.
    static Spec ratio(std::string name, std::string left, std::string right, double scale = 1) {
        return {std::move(name), Operation::ratio, std::move(left), std::move(right), scale};
    }

    /// `name = scale * (left + right)`.
    static Spec sum(std::string name, std::string left, std::string right, double scale = 1) {
        return {std::move(name), Operation::sum, std::move(left), std::move(right), scale};
    }

    /// The derived columns, computed in this order.
    struct Params {
        std::vector<Spec> columns; ///< at least one
    };

    /// The name artifacts store this type under.
    static const char* type_name() { return "DerivedColumns"; }

    DerivedColumns() = default;

    explicit DerivedColumns(const Params& params)
        : params_(params) {}

    /// The derived columns listed in order.
    explicit DerivedColumns(std::vector<Spec> columns) { params_.columns = std::move(columns); }

    /// The parameters; changes take effect at the next fit.
    Params& params() noexcept { return params_; }

    /// The parameters.
    const Params& params() const noexcept { return params_; }

    /// Checks the specifications against `table` and remembers its columns. Nothing is learnt
    /// from the values: a derived column depends on its own row only.
    /// @throws invalid_argument for an empty list, an empty name, an operation outside the
    /// four, a non-finite scale, an input
    /// that is not a column (named, with the columns there are) or is categorical (named), or
    /// an output name that is already a column or listed twice
    DerivedColumns& fit(const Table& table) {
        const std::string who = "DerivedColumns::fit";
        if (params_.columns.empty()) {
            PROGNOS_THROW(invalid_argument(who + ": no derived columns given"));
        }
        Schema available = detail::names_and_types(table);
        for (const auto& spec : params_.columns) {
            check_spec(spec, available, who);
            available.columns.push_back({spec.name, ColumnType::numeric, {}});
        }
        schema_ = detail::names_and_types(table);
        fitted_ = true;
        return *this;
    }

    /// `table` with the derived columns appended, in list order, after all of its own
    /// columns. Only the input columns the specifications name need to be present.
    /// @throws invalid_argument when an input column is absent or categorical, an output name
    /// is already a column of `table`, or a specification changed since fit is malformed
    Table transform(const Table& table) const {
        const std::string who = "DerivedColumns::transform";
        check_fitted(fitted_, who);
        Table out = table;
        for (const auto& spec : params_.columns) {
            check_spec(spec, detail::names_and_types(out), who);
            const auto& left = out.column(std::string_view{spec.left}).numbers();
            const auto& right = out.column(std::string_view{spec.right}).numbers();
            std::vector<double> values(left.size());
            for (std::size_t i = 0; i < values.size(); ++i) {
                values[i] = apply(spec, left[i], right[i]);
            }
            out.add(Column::numeric(spec.name, std::move(values)));
        }
        return out;
    }

    Table fit_transform(const Table& table) { return fit(table).transform(table); }

    bool is_fitted() const noexcept { return fitted_; }

    /// The input names (the fitted ones when none are given) followed by the derived names.
    std::vector<std::string>
    feature_names_out(const std::vector<std::string>& input_names = {}) const {
        check_fitted(fitted_, "DerivedColumns::feature_names_out");
        std::vector<std::string> out = input_names.empty() ? schema_.names() : input_names;
        for (const auto& spec : params_.columns) {
            out.push_back(spec.name);
        }
        return out;
    }

    /// One derived value: `scale * (left op right)`, or NaN when that is not finite.
    static double apply(const Spec& spec, double left, double right) noexcept {
        double v = 0;
        switch (spec.operation) {
        case Operation::product:
            v = left * right;
            break;
        case Operation::difference:
            v = left - right;
            break;
        case Operation::ratio:
            v = left / right;
            break;
        case Operation::sum:
            v = left + right;
            break;
        }
        v *= spec.scale;
        return std::isfinite(v) ? v : std::numeric_limits<double>::quiet_NaN();
    }

    /// Saves or loads the specifications and the columns seen in fit; see core/archive.hpp.
    template <class Archive>
    void serialize(Archive& ar) {
        ar.nested_list("columns", params_.columns);
        detail::serialize_schema(ar, schema_);
        if (Archive::loading) {
            ar.require(!params_.columns.empty(), "no derived columns");
            // The same rules as fit, against the stored input columns, so a loaded step cannot
            // name an input that was never there or emit a name twice.
            Schema available = schema_;
            for (const auto& spec : params_.columns) {
                ar.require(available.find(spec.name) == available.size(),
                           "derived column '" + spec.name + "' clashes with another column");
                for (const auto* input : {&spec.left, &spec.right}) {
                    const auto p = available.find(*input);
                    ar.require(p < available.size() &&
                                   available.columns[p].type == ColumnType::numeric,
                               "input '" + *input + "' of derived column '" + spec.name +
                                   "' is not a numeric column before it");
                }
                available.columns.push_back({spec.name, ColumnType::numeric, {}});
            }
            fitted_ = true;
        }
    }

private:
    // `spec` is well formed, its inputs exist in `columns` and are numeric, and its name is
    // new there. transform checks again because params() may have changed since fit.
    static void check_spec(const Spec& spec, const Schema& columns, const std::string& who) {
        if (spec.name.empty() || spec.left.empty() || spec.right.empty()) {
            PROGNOS_THROW(invalid_argument(who + ": derived column '" + spec.name +
                                           "' needs a name and two input column names"));
        }
        const int op = static_cast<int>(spec.operation);
        if (op < 0 || op > 3) {
            PROGNOS_THROW(invalid_argument(who + ": derived column '" + spec.name +
                                           "' has operation " + std::to_string(op) +
                                           "; it must be product, difference, ratio or sum"));
        }
        if (!std::isfinite(spec.scale)) {
            PROGNOS_THROW(invalid_argument(who + ": scale of derived column '" + spec.name +
                                           "' must be finite, got " +
                                           detail::format_number(spec.scale)));
        }
        for (const auto* input : {&spec.left, &spec.right}) {
            const auto p = columns.find(*input);
            if (p == columns.size()) {
                PROGNOS_THROW(invalid_argument(
                    who + ": input column '" + *input + "' of derived column '" + spec.name +
                    "' is not in the table; " +
                    (columns.columns.empty() ? std::string("the table has no columns")
                                             : "it has " + detail::quote_list(columns.names()))));
            }
            if (columns.columns[p].type != ColumnType::numeric) {
                PROGNOS_THROW(invalid_argument(who + ": input column '" + *input +
                                               "' of derived column '" + spec.name +
                                               "' is categorical; derived columns need numeric "
                                               "inputs"));
            }
        }
        if (columns.find(spec.name) != columns.size()) {
            PROGNOS_THROW(invalid_argument(who + ": derived column '" + spec.name +
                                           "' is already a column of the table (or listed "
                                           "twice); choose another name"));
        }
    }

    Params params_;
    Schema schema_;
    bool fitted_ = false;
};

} // namespace prognos
