// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Rolling-window sensor features per asset: SensorWindows (a Table -> Table pipeline step for
/// training and batch scoring) and SensorWindowStream (one reading at a time, for serving).
///
/// Both are built on one piece of state, AssetWindow: a ring buffer holding the last
/// `window` readings of one asset plus the readings the lags need. The batch transform sorts
/// each asset's rows by time and pushes them through an AssetWindow exactly as a stream would,
/// then calls the same feature function, so the two paths give bit-identical numbers for the
/// same history; memory per asset is bounded by the buffer length, never by the history.
///
/// Every statistic is computed from the buffer afresh for every row (O(window) per feature)
/// rather than updated incrementally: running sums drift with cancellation over a long stream
/// and would make a stream that has run for a year disagree with a batch recomputation.
///
/// Early rows of an asset have a partial window: statistics use the rows there are (a mean of
/// one reading is that reading); a spread of fewer than two readings is 0, and skewness and
/// kurtosis of a window with zero spread are 0. A window whose standard deviation is within
/// n * epsilon of its largest magnitude (n readings) has zero spread: that much spread is what
/// rounding the mean of equal readings produces, so a constant sensor gives std, slope,
/// skewness and kurtosis exactly 0 rather than rounding noise. Lags before the first reading repeat
/// the first reading, so a difference there is 0. A missing (NaN) reading propagates into every
/// feature whose window holds it.

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>
#include <prognos/data/table.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <numeric>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace prognos {

/// A statistic over the last N readings of one sensor.
enum class WindowStat {
    mean,     ///< arithmetic mean
    std_dev,  ///< population standard deviation (divides by the count, like numpy's default)
    min,      ///< smallest reading
    max,      ///< largest reading
    rms,      ///< root mean square
    slope,    ///< least-squares slope of reading against the time column, per time unit
    skewness, ///< population (biased) skewness, m3 / m2^1.5
    kurtosis  ///< excess population kurtosis, m4 / m2^2 - 3
};

/// The suffix a statistic adds to a sensor name in output column names.
inline const char* to_string(WindowStat s) noexcept {
    constexpr const char* names[] = {"mean", "std", "min", "max", "rms", "slope", "skew", "kurt"};
    return names[static_cast<int>(s)];
}

/// The recent history of one asset: a ring buffer of (time, readings) with room for the last
/// `capacity` rows. Shared by batch and streaming so both compute from identical buffers.
class AssetWindow {
public:
    AssetWindow() = default;

    AssetWindow(std::size_t n_sensors, std::size_t capacity)
        : n_sensors_(n_sensors)
        , capacity_(capacity)
        , times_(capacity)
        , values_(capacity * n_sensors) {}

    /// Appends one reading; the oldest falls out once the buffer is full.
    void push(double time, const double* readings) {
        const std::size_t slot = (start_ + size_) % capacity_;
        if (size_ == capacity_) {
            start_ = (start_ + 1) % capacity_;
        } else {
            ++size_;
        }
        times_[slot] = time;
        std::copy(readings, readings + n_sensors_, values_.begin() + slot * n_sensors_);
        last_time_ = time;
        ++seen_;
    }

    /// Rows held (at most capacity).
    std::size_t size() const noexcept { return size_; }

    /// Rows ever pushed.
    std::size_t seen() const noexcept { return seen_; }

    double last_time() const noexcept { return last_time_; }

    /// Time of the k-th newest row held (k = 0 is the newest).
    double time_back(std::size_t k) const noexcept {
        return times_[(start_ + size_ - 1 - k) % capacity_];
    }

    /// Reading of sensor j in the k-th newest row held.
    double value_back(std::size_t k, std::size_t j) const noexcept {
        return values_[((start_ + size_ - 1 - k) % capacity_) * n_sensors_ + j];
    }

private:
    std::size_t n_sensors_ = 0;
    std::size_t capacity_ = 1;
    std::vector<double> times_;
    std::vector<double> values_;
    std::size_t start_ = 0;
    std::size_t size_ = 0;
    std::size_t seen_ = 0;
    double last_time_ = 0.0;
};

/**
 * Windowed features of sensor columns, per asset, in time order: a pipeline step.
 *
 * fit resolves the sensor columns (all numeric columns but the asset and time columns when
 * none are named). transform returns, row for row in the input order, the pass-through columns
 * (the time column when keep_time, the raw sensors when keep_raw) followed by, for each sensor,
 * each statistic over the last `window` rows of that row's asset (the row itself included),
 * then each lag x[t-k] and each difference x[t] - x[t-k]. The asset column is consumed: an id
 * is no feature. Rows of one asset may come in any order; they are sorted by time, and a time
 * repeated within one asset is an error.
 */
class SensorWindows {
public:
    struct Params {
        /// Column identifying the asset (numeric or categorical).
        std::string asset_column = "unit";
        /// Numeric column ordering the readings of one asset (cycle, timestamp).
        std::string time_column = "cycle";
        /// Sensor columns to window; empty means every numeric column but asset and time.
        std::vector<std::string> sensors;
        /// Rows per window, the current one included; >= 1.
        int window = 10;
        /// Statistics to compute, in output order; the default is all eight.
        std::vector<WindowStat> stats = {WindowStat::mean,
                                         WindowStat::std_dev,
                                         WindowStat::min,
                                         WindowStat::max,
                                         WindowStat::rms,
                                         WindowStat::slope,
                                         WindowStat::skewness,
                                         WindowStat::kurtosis};
        /// Lags k >= 1: output x[t-k].
        std::vector<int> lags;
        /// Differences k >= 1: output x[t] - x[t-k].
        std::vector<int> diffs;
        /// Pass the raw readings through.
        bool keep_raw = true;
        /// Pass the time column through (age of the asset is often the strongest predictor).
        bool keep_time = true;
    };

    /// The name artifacts store this type under.
    static const char* type_name() { return "SensorWindows"; }

    SensorWindows() = default;

    explicit SensorWindows(Params params)
        : params_(std::move(params)) {}

    const Params& params() const noexcept { return params_; }

    Params& params() noexcept { return params_; }

    /// Checks the parameters and resolves the sensor columns against `table`.
    /// @throws invalid_argument for bad parameters (window < 1, a lag or difference < 1, the
    ///         same asset and time column, or a configuration with no output column at all),
    ///         a missing or non-numeric column, or no sensor column
    SensorWindows& fit(const Table& table) {
        const std::string who = "SensorWindows::fit";
        check_params(who);
        require_column(table, params_.asset_column, who, false);
        require_column(table, params_.time_column, who, true);
        std::vector<std::string> sensors = params_.sensors;
        if (sensors.empty()) {
            for (const auto& c : table.columns()) {
                if (c.is_numeric() && c.name() != params_.asset_column &&
                    c.name() != params_.time_column) {
                    sensors.push_back(c.name());
                }
            }
        }
        if (sensors.empty()) {
            PROGNOS_THROW(invalid_argument(who + ": no numeric sensor columns to window"));
        }
        for (const auto& s : sensors) {
            require_column(table, s, who, true);
            if (s == params_.asset_column || s == params_.time_column) {
                PROGNOS_THROW(invalid_argument(who + ": sensor '" + s +
                                               "' is also the asset or time column"));
            }
        }
        sensors_ = std::move(sensors);
        fitted_ = true;
        return *this;
    }

    /// Windowed features for every row of `table`, in its row order.
    /// @throws invalid_argument for a missing column or a time repeated within one asset;
    ///         bad_value for a missing asset id or a NaN or infinite time
    Table transform(const Table& table) const {
        const std::string who = "SensorWindows::transform";
        check_fitted(fitted_, who);
        require_column(table, params_.asset_column, who, false);
        require_column(table, params_.time_column, who, true);
        const auto& time = table.column(std::string_view{params_.time_column}).numbers();
        std::vector<const std::vector<double>*> sensor_values;
        for (const auto& s : sensors_) {
            require_column(table, s, who, true);
            sensor_values.push_back(&table.column(std::string_view{s}).numbers());
        }
        const auto groups = group_rows(table, time, who);

        // Every asset's rows, in time order, through one AssetWindow each: the streaming path.
        const std::size_t n_rows = table.rows();
        const std::size_t width = n_features();
        std::vector<double> out(n_rows * width);
        std::vector<double> reading(sensors_.size());
        for (const auto& rows : groups) {
            AssetWindow history(sensors_.size(), capacity());
            for (std::size_t r : rows) {
                for (std::size_t j = 0; j < sensors_.size(); ++j) {
                    reading[j] = (*sensor_values[j])[r];
                }
                history.push(time[r], reading.data());
                features(history, out.data() + r * width);
            }
        }

        Table result;
        const auto names = output_names();
        for (std::size_t f = 0; f < width; ++f) {
            std::vector<double> column(n_rows);
            for (std::size_t r = 0; r < n_rows; ++r) {
                column[r] = out[r * width + f];
            }
            result.add(Column::numeric(names[f], std::move(column)));
        }
        return result;
    }

    Table fit_transform(const Table& table) { return fit(table).transform(table); }

    bool is_fitted() const noexcept { return fitted_; }

    /// The sensor columns windowed, as resolved by fit.
    const std::vector<std::string>& sensors() const noexcept { return sensors_; }

    /// Number of output columns.
    std::size_t n_features() const noexcept {
        const std::size_t per_sensor = params_.stats.size() + params_.lags.size() +
                                       params_.diffs.size() + (params_.keep_raw ? 1 : 0);
        return (params_.keep_time ? 1 : 0) + sensors_.size() * per_sensor;
    }

    /// Output column names, e.g. "s2_mean_w30", "s2_lag3", "s2_diff1".
    std::vector<std::string> output_names() const {
        check_fitted(fitted_, "SensorWindows::output_names");
        std::vector<std::string> names;
        if (params_.keep_time) {
            names.push_back(params_.time_column);
        }
        if (params_.keep_raw) {
            names.insert(names.end(), sensors_.begin(), sensors_.end());
        }
        const std::string w = "_w" + std::to_string(params_.window);
        for (const auto& s : sensors_) {
            for (auto stat : params_.stats) {
                names.push_back(s + "_" + to_string(stat) + w);
            }
            for (int k : params_.lags) {
                names.push_back(s + "_lag" + std::to_string(k));
            }
            for (int k : params_.diffs) {
                names.push_back(s + "_diff" + std::to_string(k));
            }
        }
        return names;
    }

    /// Same as output_names(); the pipeline calls it to name the model's features.
    std::vector<std::string> feature_names_out(const std::vector<std::string>& = {}) const {
        return output_names();
    }

    /// Rows of history one asset needs: the window, or the longest lag plus the current row.
    std::size_t capacity() const noexcept {
        int longest = params_.window;
        for (int k : params_.lags) {
            longest = std::max(longest, k + 1);
        }
        for (int k : params_.diffs) {
            longest = std::max(longest, k + 1);
        }
        return static_cast<std::size_t>(longest);
    }

    /// Writes the n_features() features of the newest row of `history` to `out`. The one
    /// feature function both batch and streaming call.
    void features(const AssetWindow& history, double* out) const {
        std::size_t f = 0;
        if (params_.keep_time) {
            out[f++] = history.last_time();
        }
        if (params_.keep_raw) {
            for (std::size_t j = 0; j < sensors_.size(); ++j) {
                out[f++] = history.value_back(0, j);
            }
        }
        const std::size_t n = std::min(history.size(), static_cast<std::size_t>(params_.window));
        for (std::size_t j = 0; j < sensors_.size(); ++j) {
            const Moments m = moments(history, j, n);
            for (auto stat : params_.stats) {
                out[f++] = statistic(stat, m);
            }
            const double now = history.value_back(0, j);
            for (int k : params_.lags) {
                out[f++] = lagged(history, j, static_cast<std::size_t>(k));
            }
            for (int k : params_.diffs) {
                out[f++] = now - lagged(history, j, static_cast<std::size_t>(k));
            }
        }
    }

    /// Saves or loads the parameters and resolved sensors; see core/archive.hpp.
    template <class Archive>
    void serialize(Archive& ar) {
        ar("asset_column", params_.asset_column);
        ar("time_column", params_.time_column);
        ar("sensors_requested", params_.sensors);
        ar("window", params_.window);
        std::vector<int> stats;
        for (auto s : params_.stats) {
            stats.push_back(static_cast<int>(s));
        }
        ar("stats", stats);
        ar("lags", params_.lags);
        ar("diffs", params_.diffs);
        ar("keep_raw", params_.keep_raw);
        ar("keep_time", params_.keep_time);
        ar("fitted", fitted_);
        ar("sensors", sensors_);
        if (Archive::loading) {
            params_.stats.clear();
            for (int s : stats) {
                ar.require(s >= 0 && s <= static_cast<int>(WindowStat::kurtosis),
                           "stats holds an unknown statistic " + std::to_string(s));
                params_.stats.push_back(static_cast<WindowStat>(s));
            }
            ar.require(params_.window >= 1, "window must be >= 1");
            for (int k : params_.lags) {
                ar.require(k >= 1, "lags must be >= 1");
            }
            for (int k : params_.diffs) {
                ar.require(k >= 1, "diffs must be >= 1");
            }
            ar.require(!fitted_ || !sensors_.empty(), "a fitted SensorWindows has no sensors");
        }
    }

private:
    // Central moments of the newest n readings of sensor j, and the least-squares slope
    // against time. Centring first (two passes) keeps the higher moments accurate for sensors
    // such as a 1590 K temperature whose variation is in the second decimal.
    struct Moments {
        double mean, m2, m3, m4, min, max, sum_sq, slope;
    };

    static Moments moments(const AssetWindow& h, std::size_t j, std::size_t n) {
        Moments m{0, 0, 0, 0, h.value_back(0, j), h.value_back(0, j), 0, 0};
        double t_mean = 0.0;
        for (std::size_t k = 0; k < n; ++k) {
            const double x = h.value_back(k, j);
            m.mean += x;
            m.sum_sq += x * x;
            m.min = std::min(m.min, x);
            m.max = std::max(m.max, x);
            t_mean += h.time_back(k);
        }
        const double dn = static_cast<double>(n);
        m.mean /= dn;
        t_mean /= dn;
        double stt = 0.0, stx = 0.0;
        for (std::size_t k = 0; k < n; ++k) {
            const double d = h.value_back(k, j) - m.mean;
            const double dt = h.time_back(k) - t_mean;
            m.m2 += d * d;
            m.m3 += d * d * d;
            m.m4 += d * d * d * d;
            stt += dt * dt;
            stx += dt * d;
        }
        m.m2 /= dn;
        m.m3 /= dn;
        m.m4 /= dn;
        m.sum_sq /= dn;
        m.slope = stt > 0.0 ? stx / stt : 0.0;
        // Zero spread within rounding. Summing n readings of magnitude at most s rounds the sum
        // by at most (n - 1) u n s (u = eps / 2, Higham's bound for recursive summation), so
        // the computed mean is off by at most (n - 1) u s. In a window of equal readings every
        // deviation is that error, and the computed std is at most (n - 1) u s < n eps s: five
        // readings of 0.1 give a mean one ulp high and std 1.4e-17, whose skewness m3 / m2^1.5
        // is -1 and kurtosis -2, pure rounding. A spread within n eps s cannot be told from
        // that error, so it is taken as exactly zero: std, slope, skewness and kurtosis 0 (the
        // documented values for a constant sensor, e.g. s5, s10 and s16 of C-MAPSS FD001).
        // Readings that really differ by more than n ulps are never affected. The test is on
        // the std, not m2 = std^2, which would underflow for readings near 1e-160.
        const double scale = std::max(std::abs(m.min), std::abs(m.max));
        if (std::sqrt(m.m2) <= dn * std::numeric_limits<double>::epsilon() * scale) {
            m.m2 = m.m3 = m.m4 = m.slope = 0.0;
        }
        if (std::isnan(m.mean)) {
            // std::min/max skip a NaN depending on its position; make a missing reading
            // visible in every statistic instead.
            m.min = m.max = m.slope = m.mean;
        }
        return m;
    }

    static double statistic(WindowStat s, const Moments& m) {
        switch (s) {
        case WindowStat::mean:
            return m.mean;
        case WindowStat::std_dev:
            return std::sqrt(m.m2);
        case WindowStat::min:
            return m.min;
        case WindowStat::max:
            return m.max;
        case WindowStat::rms:
            return std::sqrt(m.sum_sq);
        case WindowStat::slope:
            return m.slope;
        case WindowStat::skewness:
            return m.m2 > 0.0 ? m.m3 / std::pow(m.m2, 1.5) : (std::isnan(m.m2) ? m.m2 : 0.0);
        case WindowStat::kurtosis:
            return m.m2 > 0.0 ? m.m4 / (m.m2 * m.m2) - 3.0 : (std::isnan(m.m2) ? m.m2 : 0.0);
        }
        return 0.0;
    }

    // x[t-k], or the oldest reading held while the asset is younger than k rows.
    static double lagged(const AssetWindow& h, std::size_t j, std::size_t k) {
        return h.value_back(std::min(k, h.size() - 1), j);
    }

    void check_params(const std::string& who) const {
        if (params_.window < 1) {
            PROGNOS_THROW(invalid_argument(who + ": window must be >= 1, got " +
                                           std::to_string(params_.window)));
        }
        for (int k : params_.lags) {
            if (k < 1) {
                PROGNOS_THROW(
                    invalid_argument(who + ": lags must be >= 1, got " + std::to_string(k)));
            }
        }
        for (int k : params_.diffs) {
            if (k < 1) {
                PROGNOS_THROW(
                    invalid_argument(who + ": diffs must be >= 1, got " + std::to_string(k)));
            }
        }
        if (params_.stats.empty() && params_.lags.empty() && params_.diffs.empty() &&
            !params_.keep_raw && !params_.keep_time) {
            // Caught here rather than at the model, whose "empty training data (0 rows,
            // 0 columns)" would not say which step produced nothing.
            PROGNOS_THROW(invalid_argument(who + ": nothing to output: stats, lags and diffs "
                                                 "are empty and keep_raw and keep_time are false"));
        }
        if (params_.asset_column == params_.time_column) {
            PROGNOS_THROW(invalid_argument(who + ": asset_column and time_column are both '" +
                                           params_.asset_column + "'"));
        }
    }

    static void require_column(const Table& table,
                               const std::string& name,
                               const std::string& who,
                               bool numeric) {
        if (!table.has(name)) {
            PROGNOS_THROW(invalid_argument(who + ": no column named '" + name + "'"));
        }
        if (numeric && !table.column(std::string_view{name}).is_numeric()) {
            PROGNOS_THROW(invalid_argument(who + ": column '" + name + "' must be numeric"));
        }
    }

    // Row indices per asset (assets in order of first appearance), each sorted by time.
    std::vector<std::vector<std::size_t>>
    group_rows(const Table& table, const std::vector<double>& time, const std::string& who) const {
        const Column& asset = table.column(std::string_view{params_.asset_column});
        std::unordered_map<std::string, std::size_t> index;
        std::vector<std::vector<std::size_t>> groups;
        for (std::size_t r = 0; r < table.rows(); ++r) {
            // An infinite time is no time either: it would sort last and make the slope's
            // time deviations infinite (the slope silently became 0).
            if (asset.is_missing(r) || !std::isfinite(time[r])) {
                PROGNOS_THROW(bad_value(
                    who + ": " + detail::row_name(static_cast<Index>(r)) + " has no " +
                        (asset.is_missing(r)
                             ? params_.asset_column
                             : params_.time_column + " (" + detail::describe_value(time[r]) + ")"),
                    static_cast<Index>(r),
                    -1));
            }
            const std::string key = asset_key(asset, r);
            const auto it = index.emplace(key, groups.size()).first;
            if (it->second == groups.size()) {
                groups.emplace_back();
            }
            groups[it->second].push_back(r);
        }
        for (auto& rows : groups) {
            std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
                return time[a] < time[b];
            });
            for (std::size_t i = 1; i < rows.size(); ++i) {
                if (time[rows[i]] == time[rows[i - 1]]) {
                    PROGNOS_THROW(invalid_argument(who + ": asset " + asset_key(asset, rows[i]) +
                                                   " has two rows at " + params_.time_column + " " +
                                                   std::to_string(time[rows[i]])));
                }
            }
        }
        return groups;
    }

public:
    /// The text an asset id is keyed by: the category, or the number in exact ("%.17g") form.
    /// Numbers that compare equal are one asset: -0 is keyed as 0.
    static std::string asset_key(const Column& asset, std::size_t row) {
        if (asset.is_categorical()) {
            return std::string(asset.category_at(row));
        }
        const double id = asset.numbers()[row];
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", id == 0.0 ? 0.0 : id);
        return buf;
    }

private:
    Params params_;
    std::vector<std::string> sensors_;
    bool fitted_ = false;
};

/**
 * Streaming form of a fitted SensorWindows: one reading at a time per asset, each answered
 * with the same feature row the batch transform gives that reading.
 *
 * Memory per asset is one AssetWindow of SensorWindows::capacity() rows. Not thread-safe: a
 * server shards assets over streams or serialises access to one. Asset ids are text and
 * compared as text; a server holding numeric ids should format them as
 * SensorWindows::asset_key does ("%.17g", -0 as 0) so that they name the same assets as in
 * training.
 */
class SensorWindowStream {
public:
    /// @throws not_fitted when `windows` is not fitted
    explicit SensorWindowStream(SensorWindows windows)
        : windows_(std::move(windows)) {
        check_fitted(windows_.is_fitted(), "SensorWindowStream");
    }

    /**
     * Adds a reading of asset `asset` at `time` (readings in the order of sensors()) and
     * writes the asset's current feature row to `out` (n_features() values). Allocates only
     * when an asset is seen for the first time.
     * @throws bad_value when `time` is NaN or infinite (as the batch transform: the reading
     *         "has no" time), before the asset is tracked, so its later readings still work;
     *         invalid_argument when `time` is not after the asset's previous reading
     */
    void update(const std::string& asset, double time, const double* readings, double* out) {
        if (!std::isfinite(time)) {
            PROGNOS_THROW(bad_value("SensorWindowStream::update: asset " + asset +
                                        " reading has no " + windows_.params().time_column + " (" +
                                        detail::describe_value(time) + ")",
                                    -1,
                                    -1));
        }
        auto it = assets_.find(asset);
        if (it == assets_.end()) {
            it = assets_.emplace(asset, AssetWindow(windows_.sensors().size(), windows_.capacity()))
                     .first;
        } else if (!(time > it->second.last_time())) {
            PROGNOS_THROW(invalid_argument("SensorWindowStream::update: asset " + asset +
                                           " reading at time " + std::to_string(time) +
                                           " is not after its previous reading at " +
                                           std::to_string(it->second.last_time())));
        }
        it->second.push(time, readings);
        windows_.features(it->second, out);
    }

    /// Convenience form returning the feature row.
    std::vector<double>
    update(const std::string& asset, double time, const std::vector<double>& r) {
        check_n_features(static_cast<Index>(windows_.sensors().size()),
                         static_cast<Index>(r.size()),
                         "SensorWindowStream::update");
        std::vector<double> out(windows_.n_features());
        update(asset, time, r.data(), out.data());
        return out;
    }

    /// Forgets an asset (replaced, retired); its next reading starts a new history.
    void reset(const std::string& asset) { assets_.erase(asset); }

    std::size_t n_features() const noexcept { return windows_.n_features(); }

    const std::vector<std::string>& sensors() const noexcept { return windows_.sensors(); }

    /// Assets currently tracked.
    std::size_t n_assets() const noexcept { return assets_.size(); }

private:
    SensorWindows windows_;
    std::unordered_map<std::string, AssetWindow> assets_;
};

} // namespace prognos
