// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Rows grouped by class label, shared by the stratified splitters. Internal.
///
/// Integer and string labels both reduce to the same form, classes in sorted label order with
/// the row indices of each, so the splitting code exists once; the label is kept as display
/// text so that errors can name it as the user wrote it.

#include <prognos/core/types.hpp>

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace prognos {
namespace detail {

struct ClassGroups {
    std::vector<std::string> names;                ///< Display text: 3 or 'failure'.
    std::vector<std::vector<std::size_t>> members; ///< Row indices, ascending, per class.
    std::size_t n_rows = 0;
};

inline ClassGroups group_by_class(const IntVector& y) {
    std::map<int, std::vector<std::size_t>> rows;
    for (Index i = 0; i < y.size(); ++i) {
        rows[y[i]].push_back(static_cast<std::size_t>(i));
    }
    ClassGroups g;
    g.n_rows = static_cast<std::size_t>(y.size());
    for (auto& [label, members] : rows) {
        g.names.push_back(std::to_string(label));
        g.members.push_back(std::move(members));
    }
    return g;
}

inline ClassGroups group_by_class(const std::vector<std::string>& y) {
    std::map<std::string, std::vector<std::size_t>> rows;
    for (std::size_t i = 0; i < y.size(); ++i) {
        rows[y[i]].push_back(i);
    }
    ClassGroups g;
    g.n_rows = y.size();
    for (auto& [label, members] : rows) {
        g.names.push_back("'" + label + "'");
        g.members.push_back(std::move(members));
    }
    return g;
}

} // namespace detail
} // namespace prognos
