// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Targets taken from a table column: class labels for classifiers, real values for
/// regressors. Every row must have a usable target; a missing or fractional label is an error
/// naming the row, because training on a guessed label would be silently wrong.

#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>
#include <prognos/data/table.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace prognos {

/// Class labels from a column, and a name for each class.
struct Labels {
    /// One label per row.
    IntVector y;
    /// The classes in ascending label order, and the text each stands for.
    std::vector<int> classes;
    std::vector<std::string> names;
};

/// Labels from a column. A numeric column must hold whole numbers (its classes are named by
/// their digits, "0" and "1"); a categorical column's categories are sorted by their text and
/// numbered 0, 1, ... in that order, so the numbering does not depend on row order.
inline Labels labels_from_column(const Column& column) {
    Labels out;
    const auto n = column.size();
    out.y.resize(static_cast<Index>(n));
    if (column.is_numeric()) {
        for (std::size_t i = 0; i < n; ++i) {
            const double v = column.numbers()[i];
            if (!std::isfinite(v) || v != std::floor(v) ||
                std::fabs(v) > static_cast<double>(std::numeric_limits<int>::max())) {
                PROGNOS_THROW(invalid_argument(
                    "target column '" + column.name() + "': row " + std::to_string(i) +
                    (std::isnan(v) ? " is missing" : " is not a whole number") +
                    "; class labels must be whole numbers or categories"));
            }
            out.y[static_cast<Index>(i)] = static_cast<int>(v);
        }
        std::vector<int> classes(out.y.data(), out.y.data() + out.y.size());
        std::sort(classes.begin(), classes.end());
        classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
        out.classes = classes;
        for (int c : classes) {
            out.names.push_back(std::to_string(c));
        }
        return out;
    }
    const auto& categories = column.categories();
    std::vector<std::size_t> order(categories.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
        order[k] = k;
    }
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return categories[a] < categories[b];
    });
    std::vector<int> rank(categories.size());
    for (std::size_t r = 0; r < order.size(); ++r) {
        rank[order[r]] = static_cast<int>(r);
    }
    std::vector<bool> used(categories.size(), false);
    for (std::size_t i = 0; i < n; ++i) {
        const auto code = column.codes()[i];
        if (code == Column::missing_code) {
            PROGNOS_THROW(invalid_argument("target column '" + column.name() + "': row " +
                                           std::to_string(i) + " is missing"));
        }
        used[static_cast<std::size_t>(code)] = true;
        out.y[static_cast<Index>(i)] = rank[static_cast<std::size_t>(code)];
    }
    for (std::size_t r = 0; r < order.size(); ++r) {
        if (used[order[r]]) {
            out.classes.push_back(static_cast<int>(r));
            out.names.push_back(categories[order[r]]);
        }
    }
    return out;
}

/// Real-valued targets from a numeric column; every value must be finite.
inline Vector targets_from_column(const Column& column) {
    if (!column.is_numeric()) {
        PROGNOS_THROW(invalid_argument("target column '" + column.name() +
                                       "' is categorical; a regressor needs numbers"));
    }
    Vector y(static_cast<Index>(column.size()));
    for (std::size_t i = 0; i < column.size(); ++i) {
        const double v = column.numbers()[i];
        if (!std::isfinite(v)) {
            PROGNOS_THROW(invalid_argument("target column '" + column.name() + "': row " +
                                           std::to_string(i) + " is " +
                                           (std::isnan(v) ? "missing" : "infinite")));
        }
        y[static_cast<Index>(i)] = v;
    }
    return y;
}

} // namespace prognos
