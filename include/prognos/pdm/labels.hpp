// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Targets for prognostics from run-to-failure histories: remaining useful life (RUL) per row
/// and "fails within the next H time units" as a 0/1 class.
///
/// A run-to-failure history ends at failure, so the RUL of a row is the asset's last time
/// minus the row's time. Rows of one asset need not be sorted. A cap (commonly 125 cycles on
/// C-MAPSS) turns the target into "healthy until degradation starts": early in life the
/// sensors carry no information about how long an engine will still run, and an uncapped
/// target teaches a model to guess from age alone.

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>
#include <prognos/data/table.hpp>
#include <prognos/pdm/windows.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

namespace prognos {

/**
 * Remaining useful life of every row of run-to-failure histories: last time of the row's asset
 * minus the row's time, at most `cap` (infinity: no cap). Numeric asset ids are compared as
 * numbers (0 and -0 are one asset).
 * @throws invalid_argument for a missing column, cap < 0, or a time repeated within one asset
 *         (as SensorWindows: two readings at one time of one asset are a data error, and
 *         training on such a table would give two labels to one moment); bad_value for a
 *         missing id or a NaN or infinite time
 */
inline Vector rul_labels(const Table& histories,
                         const std::string& asset_column,
                         const std::string& time_column,
                         double cap = std::numeric_limits<double>::infinity()) {
    const std::string who = "rul_labels";
    if (!(cap >= 0.0)) {
        PROGNOS_THROW(invalid_argument(who + ": cap must be >= 0, got " + std::to_string(cap)));
    }
    for (const auto& name : {asset_column, time_column}) {
        if (!histories.has(name)) {
            PROGNOS_THROW(invalid_argument(who + ": no column named '" + name + "'"));
        }
    }
    const Column& asset = histories.column(std::string_view{asset_column});
    const Column& time_col = histories.column(std::string_view{time_column});
    if (!time_col.is_numeric()) {
        PROGNOS_THROW(invalid_argument(who + ": column '" + time_column + "' must be numeric"));
    }
    const auto& time = time_col.numbers();
    std::unordered_map<std::string, double> last;
    std::vector<std::string> keys(histories.rows());
    for (std::size_t r = 0; r < histories.rows(); ++r) {
        // An infinite time is refused as SensorWindows does: its RUL would be inf - inf.
        if (asset.is_missing(r) || !std::isfinite(time[r])) {
            PROGNOS_THROW(
                bad_value(who + ": " + detail::row_name(static_cast<Index>(r)) + " has no " +
                              (asset.is_missing(r)
                                   ? asset_column
                                   : time_column + " (" + detail::describe_value(time[r]) + ")"),
                          static_cast<Index>(r),
                          -1));
        }
        keys[r] = SensorWindows::asset_key(asset, r);
        auto it = last.emplace(keys[r], time[r]).first;
        it->second = std::max(it->second, time[r]);
    }
    std::vector<std::size_t> order(histories.rows());
    for (std::size_t r = 0; r < order.size(); ++r) {
        order[r] = r;
    }
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return keys[a] != keys[b] ? keys[a] < keys[b] : time[a] < time[b];
    });
    for (std::size_t i = 1; i < order.size(); ++i) {
        const std::size_t a = order[i - 1], b = order[i];
        if (keys[a] == keys[b] && time[a] == time[b]) {
            PROGNOS_THROW(
                invalid_argument(who + ": asset " + keys[b] + " has two rows at " + time_column +
                                 " " + std::to_string(time[b]) + " (" +
                                 detail::row_name(static_cast<Index>(std::min(a, b))) + " and " +
                                 detail::row_name(static_cast<Index>(std::max(a, b))) + ")"));
        }
    }
    Vector rul(static_cast<Index>(histories.rows()));
    for (std::size_t r = 0; r < histories.rows(); ++r) {
        rul[static_cast<Index>(r)] = std::min(cap, last[keys[r]] - time[r]);
    }
    return rul;
}

/**
 * 1 where the asset fails within the next `horizon` time units (RUL <= horizon), else 0: the
 * class label of "will this machine fail before the next maintenance window".
 * @throws invalid_argument when horizon < 0, and as rul_labels()
 */
inline IntVector fails_within(const Table& histories,
                              const std::string& asset_column,
                              const std::string& time_column,
                              double horizon) {
    if (!(horizon >= 0.0)) {
        PROGNOS_THROW(
            invalid_argument("fails_within: horizon must be >= 0, got " + std::to_string(horizon)));
    }
    const Vector rul = rul_labels(histories, asset_column, time_column);
    return (rul.array() <= horizon).cast<int>();
}

} // namespace prognos
