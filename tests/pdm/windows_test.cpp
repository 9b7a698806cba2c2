// SPDX-License-Identifier: Apache-2.0
// SensorWindows: hand-worked statistics, batch equal to streaming bit for bit, pipeline use,
// artifact round trip and error messages.
#include <prognos/core/random.hpp>
#include <prognos/ensemble/random_forest.hpp>
#include <prognos/io/artifact.hpp>
#include <prognos/io/json_archive.hpp>
#include <prognos/pdm/labels.hpp>
#include <prognos/pdm/windows.hpp>
#include <prognos/pipeline/pipeline.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "support/catch.hpp"

using prognos::Column;
using prognos::SensorWindows;
using prognos::Table;
using prognos::WindowStat;

namespace {

Table one_asset() {
    Table t;
    t.add(Column::numeric("unit", {7, 7, 7}));
    t.add(Column::numeric("cycle", {1, 2, 3}));
    t.add(Column::numeric("x", {1, 2, 4}));
    return t;
}

// Two assets, readings interleaved and out of time order, irregular times, 40 rows each.
Table two_assets(std::vector<std::size_t>* order_out = nullptr) {
    prognos::Random rng(5);
    std::vector<std::string> asset;
    std::vector<double> time, a, b;
    for (int unit = 0; unit < 2; ++unit) {
        double t = 0;
        for (int i = 0; i < 40; ++i) {
            t += 1 + static_cast<double>(rng.uniform_index(3));
            asset.push_back(unit == 0 ? "engine-A" : "engine-B");
            time.push_back(t);
            a.push_back(640 + 0.5 * rng.uniform01() + 0.01 * t);
            b.push_back(1590 + 3 * rng.uniform01());
        }
    }
    std::vector<std::size_t> order(asset.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    rng.shuffle(order.begin(), order.end());
    auto pick = [&](const std::vector<double>& v) {
        std::vector<double> out;
        for (auto i : order) {
            out.push_back(v[i]);
        }
        return out;
    };
    std::vector<std::string> asset_shuffled;
    for (auto i : order) {
        asset_shuffled.push_back(asset[i]);
    }
    Table tab;
    tab.add(Column::categorical_from_strings("unit", asset_shuffled));
    tab.add(Column::numeric("cycle", pick(time)));
    tab.add(Column::numeric("s2", pick(a)));
    tab.add(Column::numeric("s3", pick(b)));
    if (order_out != nullptr) {
        *order_out = order;
    }
    return tab;
}

} // namespace

TEST_CASE("window statistics match values worked by hand", "[pdm][windows]") {
    SensorWindows::Params p;
    p.window = 3;
    p.lags = {1};
    p.diffs = {1};
    SensorWindows w(p);
    const Table out = w.fit_transform(one_asset());
    REQUIRE(out.names() == std::vector<std::string>{"cycle",
                                                    "x",
                                                    "x_mean_w3",
                                                    "x_std_w3",
                                                    "x_min_w3",
                                                    "x_max_w3",
                                                    "x_rms_w3",
                                                    "x_slope_w3",
                                                    "x_skew_w3",
                                                    "x_kurt_w3",
                                                    "x_lag1",
                                                    "x_diff1"});
    auto at = [&](const char* name, std::size_t row) {
        return out.column(std::string_view{name}).numbers()[row];
    };
    // Row 3 window {1, 2, 4}: mean 7/3; deviations -4/3, -1/3, 5/3; m2 = 42/27 = 14/9,
    // m3 = (-64 - 1 + 125)/81 = 20/27, m4 = (256 + 1 + 625)/243 = 98/27.
    CHECK(at("x_mean_w3", 2) == Approx(7.0 / 3));
    CHECK(at("x_std_w3", 2) == Approx(std::sqrt(14.0) / 3));
    CHECK(at("x_min_w3", 2) == 1.0);
    CHECK(at("x_max_w3", 2) == 4.0);
    CHECK(at("x_rms_w3", 2) == Approx(std::sqrt(7.0))); // (1 + 4 + 16) / 3 = 7
    // Slope against cycle: sum dt*dx / sum dt^2 = ((-1)(-4/3) + (1)(5/3)) / 2 = 1.5.
    CHECK(at("x_slope_w3", 2) == Approx(1.5));
    CHECK(at("x_skew_w3", 2) == Approx((20.0 / 27) / std::pow(14.0 / 9, 1.5)));
    // m4 / m2^2 = (98/27) / (196/81) = 1.5; excess kurtosis -1.5.
    CHECK(at("x_kurt_w3", 2) == Approx(-1.5));
    CHECK(at("x_lag1", 2) == 2.0);
    CHECK(at("x_diff1", 2) == 2.0);
    // Row 1: a window of one reading has mean = reading, no spread, no slope; the lag repeats
    // the first reading so the difference is 0.
    CHECK(at("x_mean_w3", 0) == 1.0);
    CHECK(at("x_std_w3", 0) == 0.0);
    CHECK(at("x_slope_w3", 0) == 0.0);
    CHECK(at("x_skew_w3", 0) == 0.0);
    CHECK(at("x_lag1", 0) == 1.0);
    CHECK(at("x_diff1", 0) == 0.0);
    // Row 2 window {1, 2}: slope 1 per cycle.
    CHECK(at("x_slope_w3", 1) == Approx(1.0));
}

TEST_CASE("a constant sensor has zero spread skewness and kurtosis", "[pdm][windows]") {
    // Five readings of 0.1, window 3: 0.1 + 0.1 + 0.1 rounds to 0.30000000000000004, the mean
    // is one ulp above 0.1, every deviation is -1.4e-17, and the moments of those equal
    // deviations gave std 1.4e-17, skewness -1 and kurtosis -2. The documented values for
    // zero spread are 0. The other rows are the C-MAPSS FD001 sensors s5, s10 and s16, which
    // read 14.62, 1.30 and 0.03 in every row of train_FD001.txt, with the 30-row window the
    // examples use; and a window of 1, 1 + eps, 1 whose std (1e-16) is within rounding.
    const double eps = std::numeric_limits<double>::epsilon();
    for (const auto& c : std::vector<std::pair<double, int>>{
             {0.1, 3}, {14.62, 30}, {1.30, 30}, {0.03, 30}, {1.0, 3}}) {
        const double value = c.first;
        const int window = c.second;
        Table t;
        std::vector<double> unit(40, 1.0), cycle(40), x(40, value);
        for (int i = 0; i < 40; ++i) {
            cycle[i] = i + 1;
        }
        if (value == 1.0) {
            x[1] = 1.0 + eps;
        }
        t.add(Column::numeric("unit", unit));
        t.add(Column::numeric("cycle", cycle));
        t.add(Column::numeric("x", x));
        SensorWindows::Params p;
        p.window = window;
        SensorWindows w(p);
        const Table out = w.fit_transform(t);
        prognos::SensorWindowStream stream(w);
        for (std::size_t r = 0; r < 40; ++r) {
            INFO("value " << value << " row " << r);
            for (const char* stat : {"std", "slope", "skew", "kurt"}) {
                const std::string name = std::string("x_") + stat + "_w" + std::to_string(window);
                CHECK(out.column(std::string_view{name}).numbers()[r] == 0.0);
            }
            // Streaming shares the code: bit-identical.
            const auto f = stream.update("1", cycle[r], std::vector<double>{x[r]});
            for (std::size_t j = 0; j < f.size(); ++j) {
                CHECK(f[j] == out.column(j).numbers()[r]);
            }
        }
    }
    // A real spread, however small against the level, is untouched: 1590.10 and 1590.12
    // (a C-MAPSS temperature in its second decimal) have std 0.01 and skewness 0.
    Table t;
    t.add(Column::numeric("unit", {1, 1}));
    t.add(Column::numeric("cycle", {1, 2}));
    t.add(Column::numeric("x", {1590.10, 1590.12}));
    SensorWindows::Params p;
    p.window = 2;
    const Table out = SensorWindows(p).fit_transform(t);
    CHECK(out.column(std::string_view{"x_std_w2"}).numbers()[1] == Approx(0.01).epsilon(1e-9));
    CHECK(out.column(std::string_view{"x_slope_w2"}).numbers()[1] == Approx(0.02).epsilon(1e-9));
    CHECK(out.column(std::string_view{"x_kurt_w2"}).numbers()[1] == Approx(-2.0));
}

TEST_CASE("streaming windows equal batch windows bit for bit on the same history",
          "[pdm][windows]") {
    std::vector<std::size_t> order;
    const Table data = two_assets(&order);
    SensorWindows::Params p;
    p.window = 7;
    p.lags = {1, 3};
    p.diffs = {2, 10}; // a difference longer than the window widens the buffer
    SensorWindows w(p);
    const Table batch = w.fit_transform(data);
    REQUIRE(w.capacity() == 11);
    REQUIRE(batch.rows() == data.rows());

    // Feed the readings one at a time in time order per asset, as a server would receive them.
    prognos::SensorWindowStream stream(w);
    const auto& unit = data.column(std::string_view{"unit"});
    const auto& cycle = data.column(std::string_view{"cycle"}).numbers();
    std::vector<std::size_t> rows(data.rows());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        rows[i] = i;
    }
    std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
        return cycle[a] < cycle[b];
    });
    std::size_t compared = 0;
    for (std::size_t r : rows) {
        const std::vector<double> reading{data.column(std::string_view{"s2"}).numbers()[r],
                                          data.column(std::string_view{"s3"}).numbers()[r]};
        const auto features = stream.update(std::string(unit.category_at(r)), cycle[r], reading);
        REQUIRE(features.size() == batch.cols());
        for (std::size_t f = 0; f < features.size(); ++f) {
            REQUIRE(features[f] == batch.column(f).numbers()[r]); // exact, not approximate
            ++compared;
        }
    }
    REQUIRE(compared == data.rows() * batch.cols());
    REQUIRE(stream.n_assets() == 2);
}

TEST_CASE("a stream refuses a reading that is not after the previous one", "[pdm][windows]") {
    SensorWindows w;
    w.fit(one_asset());
    prognos::SensorWindowStream stream(w);
    stream.update("7", 5.0, std::vector<double>{1.0});
    REQUIRE_THROWS_WITH(stream.update("7", 5.0, std::vector<double>{1.0}),
                        ptest::contains("is not after its previous reading"));
    stream.reset("7");
    REQUIRE_NOTHROW(stream.update("7", 1.0, std::vector<double>{1.0}));
    REQUIRE_THROWS_WITH(stream.update("7", 2.0, std::vector<double>{1.0, 2.0}),
                        ptest::contains("expected 1 features, got 2"));
}

TEST_CASE("windows refuse a non-finite time and key numeric ids by value", "[pdm][windows]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    SensorWindows w;
    w.fit(one_asset());
    // A stream used to track a new asset at a NaN time and then refuse every later reading of
    // it ("not after its previous reading at nan"). Now the bad reading is refused before the
    // asset is tracked, and the asset's next good reading starts its history.
    prognos::SensorWindowStream stream(w);
    for (double bad : {nan, inf, -inf}) {
        REQUIRE_THROWS_AS(stream.update("7", bad, std::vector<double>{1.0}), prognos::bad_value);
    }
    REQUIRE_THROWS_WITH(stream.update("7", nan, std::vector<double>{1.0}),
                        ptest::contains("asset 7 reading has no cycle (NaN (missing))"));
    CHECK(stream.n_assets() == 0);
    REQUIRE_NOTHROW(stream.update("7", 1.0, std::vector<double>{1.0}));
    REQUIRE_NOTHROW(stream.update("7", 2.0, std::vector<double>{2.0}));
    REQUIRE_THROWS_AS(stream.update("7", inf, std::vector<double>{1.0}), prognos::bad_value);
    const auto f = stream.update("7", 3.0, std::vector<double>{4.0});
    const Table batch = w.transform(one_asset()); // the same history 1, 2, 4
    for (std::size_t j = 0; j < f.size(); ++j) {
        CHECK(f[j] == batch.column(j).numbers()[2]);
    }
    // Batch: an infinite time used to sort last and give a slope of 0; it is no time.
    Table far = one_asset();
    far.column(std::string_view{"cycle"}).numbers()[2] = inf;
    REQUIRE_THROWS_AS(w.transform(far), prognos::bad_value);
    REQUIRE_THROWS_WITH(w.transform(far),
                        ptest::contains("row 2 (the 3rd) has no cycle (+infinity)"));
    REQUIRE_THROWS_AS(prognos::rul_labels(far, "unit", "cycle"), prognos::bad_value);
    // Numeric ids 0 and -0 are one asset (they compare equal): one history of three rows, so
    // the third row's window mean is (1 + 2 + 4) / 3 as with one id.
    Table zeros = one_asset();
    zeros.column(std::string_view{"unit"}).numbers() = {0.0, -0.0, 0.0};
    const Table out = w.transform(zeros);
    CHECK(out.column(std::string_view{"x_mean_w10"}).numbers()[2] == Approx(7.0 / 3));
    const prognos::Vector rul = prognos::rul_labels(zeros, "unit", "cycle");
    CHECK(rul[1] == 1.0); // -0's last cycle is 3, the same asset's
}

TEST_CASE("sensor windows reject bad parameters and histories", "[pdm][windows]") {
    SensorWindows::Params p;
    p.window = 0;
    REQUIRE_THROWS_WITH(SensorWindows(p).fit(one_asset()),
                        ptest::contains("SensorWindows::fit: window must be >= 1, got 0"));
    p.window = 3;
    p.lags = {0};
    REQUIRE_THROWS_WITH(SensorWindows(p).fit(one_asset()), ptest::contains("lags must be >= 1"));
    p.lags = {};
    p.time_column = "hour";
    REQUIRE_THROWS_WITH(SensorWindows(p).fit(one_asset()),
                        ptest::contains("no column named 'hour'"));
    // No stats, lags, differences, raw readings or time: zero output columns, which a model
    // downstream reported only as "empty training data (0 rows, 0 columns)".
    SensorWindows::Params none;
    none.stats = {};
    none.keep_raw = false;
    none.keep_time = false;
    REQUIRE_THROWS_AS(SensorWindows(none).fit(one_asset()), prognos::invalid_argument);
    REQUIRE_THROWS_WITH(SensorWindows(none).fit(one_asset()),
                        ptest::contains("SensorWindows::fit: nothing to output"));
    none.keep_time = true; // one column is enough
    CHECK(SensorWindows(none).fit_transform(one_asset()).cols() == 1);
    SensorWindows ok;
    ok.fit(one_asset());
    Table twice = one_asset();
    twice.column(std::string_view{"cycle"}).numbers()[2] = 2;
    REQUIRE_THROWS_WITH(ok.transform(twice), ptest::contains("asset 7 has two rows at cycle 2"));
    Table gap = one_asset();
    gap.column(std::string_view{"cycle"}).numbers()[1] = std::nan("");
    REQUIRE_THROWS_AS(ok.transform(gap), prognos::bad_value);
    REQUIRE_THROWS_AS(SensorWindows{}.transform(one_asset()), prognos::not_fitted);
}

TEST_CASE("sensor windows serve as a pipeline step and survive an artifact round trip",
          "[pdm][windows][pipeline]") {
    const Table data = two_assets();
    prognos::Vector y(static_cast<prognos::Index>(data.rows()));
    for (std::size_t r = 0; r < data.rows(); ++r) {
        y[static_cast<prognos::Index>(r)] = data.column(std::string_view{"s2"}).numbers()[r];
    }
    SensorWindows::Params p;
    p.window = 5;
    p.stats = {WindowStat::mean, WindowStat::slope};
    p.diffs = {1};
    prognos::RandomForestRegressor::Params f;
    f.n_estimators = 10;
    f.n_jobs = 1;
    auto model = prognos::make_pipeline(SensorWindows(p), prognos::RandomForestRegressor(f));
    model.fit(data, y);
    REQUIRE(model.feature_names().size() == 1 + 2 * 4);
    REQUIRE(model.feature_names()[3] == "s2_mean_w5");
    const prognos::Vector before = model.predict(data);

    decltype(model) loaded;
    prognos::io::from_artifact_bytes(prognos::io::to_artifact_bytes(model), loaded, "test");
    const prognos::Vector after = loaded.predict(data);
    REQUIRE(after == before);
    REQUIRE(loaded.step<0>().params().stats.size() == 2);
    REQUIRE(loaded.step<0>().sensors() == std::vector<std::string>{"s2", "s3"});
}

TEST_CASE("a damaged sensor window state is refused at load", "[pdm][windows]") {
    SensorWindows w;
    w.fit(one_asset());
    auto j = prognos::io::to_json(w);
    j["stats"][0] = 42;
    REQUIRE_THROWS_WITH(prognos::io::from_json<SensorWindows>(j),
                        ptest::contains("unknown statistic 42"));
    j = prognos::io::to_json(w);
    j["window"] = 0;
    REQUIRE_THROWS_AS(prognos::io::from_json<SensorWindows>(j), prognos::parse_error);
}
