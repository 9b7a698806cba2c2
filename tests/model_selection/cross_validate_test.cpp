// SPDX-License-Identifier: Apache-2.0
// cross_validate and grid_search over pipelines: out-of-fold predictions equal separately
// fitted fold models, results do not depend on the thread count, the best candidate is the
// one with the highest mean score.
#include <prognos/ensemble/random_forest.hpp>
#include <prognos/metrics/regression.hpp>
#include <prognos/model_selection/cross_validate.hpp>
#include <prognos/model_selection/group_kfold.hpp>
#include <prognos/model_selection/kfold.hpp>
#include <prognos/pdm/windows.hpp>
#include <prognos/pipeline/pipeline.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "pipeline/mock_steps.hpp"
#include "support/catch.hpp"

using prognos::Column;
using prognos::Table;
using prognos::Vector;

namespace {

// Six assets of 30 cycles; sensor x drifts with wear, the target is the remaining life.
struct Fleet {
    Table X;
    Vector y;
    std::vector<double> unit;
};

Fleet fleet() {
    Fleet f;
    std::vector<double> cycle, x;
    std::vector<double> rul;
    for (int a = 0; a < 6; ++a) {
        for (int c = 1; c <= 30; ++c) {
            f.unit.push_back(a);
            cycle.push_back(c);
            x.push_back(0.1 * c + 0.3 * std::sin(a * 7.0 + c * 1.3));
            rul.push_back(30 - c);
        }
    }
    f.X.add(Column::numeric("unit", f.unit));
    f.X.add(Column::numeric("cycle", cycle));
    f.X.add(Column::numeric("x", x));
    f.y = Eigen::Map<Vector>(rul.data(), static_cast<prognos::Index>(rul.size()));
    return f;
}

auto neg_rmse = [](const Vector& y, const Vector& p) {
    return -prognos::root_mean_squared_error(y, p);
};

auto forest_pipeline() {
    prognos::SensorWindows::Params w;
    w.window = 5;
    w.stats = {prognos::WindowStat::mean, prognos::WindowStat::slope};
    prognos::RandomForestRegressor::Params f;
    f.n_estimators = 8;
    f.n_jobs = 1;
    f.seed = 3;
    return prognos::make_pipeline(prognos::SensorWindows(w), prognos::RandomForestRegressor(f));
}

} // namespace

TEST_CASE("cross_validate gives each row the prediction of the model that did not see it",
          "[model_selection][cv]") {
    const Fleet data = fleet();
    const auto folds = prognos::GroupKFold({3}).split(data.unit);
    const auto model = forest_pipeline();
    const auto cv = prognos::cross_validate(model, data.X, data.y, folds, neg_rmse, 2);
    REQUIRE(cv.scores.size() == 3);
    REQUIRE(cv.probabilities.size() == 0); // a regressor has none
    for (std::size_t f = 0; f < folds.size(); ++f) {
        auto m = model;
        m.fit(data.X.take(folds[f].train), prognos::detail::take_rows(data.y, folds[f].train));
        const Vector p = m.predict(data.X.take(folds[f].test));
        for (std::size_t i = 0; i < folds[f].test.size(); ++i) {
            REQUIRE(cv.predictions[static_cast<prognos::Index>(folds[f].test[i])] ==
                    p[static_cast<prognos::Index>(i)]);
        }
        REQUIRE(cv.scores[f] == -prognos::root_mean_squared_error(
                                    prognos::detail::take_rows(data.y, folds[f].test), p));
    }
    const auto serial = prognos::cross_validate(model, data.X, data.y, folds, neg_rmse, 1);
    REQUIRE(serial.scores == cv.scores);
    REQUIRE(serial.predictions == cv.predictions);
}

TEST_CASE("cross_validate returns out-of-fold probabilities of a classifier",
          "[model_selection][cv]") {
    prognos::Matrix X(8, 1);
    X << -2, -1, 1, 2, -3, 3, -4, 4;
    prognos::IntVector y(8);
    y << 0, 0, 1, 1, 0, 1, 0, 1;
    const auto folds = prognos::KFold({4, false, 0}).split(8);
    auto model = prognos::make_pipeline(mock::SignModel{});
    const auto cv = prognos::cross_validate(
        model, X, y, folds, [](const prognos::IntVector& t, const prognos::IntVector& p) {
            return static_cast<double>((t.array() == p.array()).count());
        });
    REQUIRE(cv.probabilities.rows() == 8);
    REQUIRE(cv.probabilities(0, 1) == 0.25); // SignModel: 0.75 / 0.25 for a negative x
    REQUIRE(cv.probabilities(2, 1) == 0.75);
    REQUIRE(cv.predictions == y);
    REQUIRE(cv.mean_score == 2.0);
    REQUIRE(cv.std_score == 0.0);
}

TEST_CASE("grid search over a step parameter picks the best mean score",
          "[model_selection][grid]") {
    const Fleet data = fleet();
    const auto folds = prognos::GroupKFold({3}).split(data.unit);
    using P = decltype(forest_pipeline());
    prognos::ParamGrid<P> grid;
    grid.add(
        "window", std::vector<int>{1, 4, 12}, [](P& p, int w) { p.step<0>().params().window = w; });
    grid.add("min_samples_leaf", std::vector<int>{1, 20}, [](P& p, int leaf) {
        auto params = p.model().params();
        params.min_samples_leaf = leaf;
        p.model() = prognos::RandomForestRegressor(params);
    });
    REQUIRE(grid.size() == 6);
    REQUIRE(grid.describe(3) == std::vector<std::pair<std::string, std::string>>{
                                    {"window", "4"}, {"min_samples_leaf", "20"}});
    const auto result =
        prognos::grid_search(forest_pipeline(), grid, data.X, data.y, folds, neg_rmse, 2);
    REQUIRE(result.mean_scores.size() == 6);
    const auto best = static_cast<std::size_t>(
        std::max_element(result.mean_scores.begin(), result.mean_scores.end()) -
        result.mean_scores.begin());
    REQUIRE(result.best_index == best);
    REQUIRE(result.best_estimator.is_fitted());
    // Each candidate's scores equal a cross_validate of that candidate alone.
    auto candidate = forest_pipeline();
    grid.apply(4, candidate);
    REQUIRE(candidate.step<0>().params().window == 12);
    const auto cv = prognos::cross_validate(candidate, data.X, data.y, folds, neg_rmse, 1);
    REQUIRE(result.fold_scores[4] == cv.scores);
}

TEST_CASE("cross_validate rejects folds that do not fit the data", "[model_selection][cv]") {
    const Fleet data = fleet();
    std::vector<prognos::Split> folds(1);
    folds[0].train = {0, 1};
    folds[0].test = {500};
    REQUIRE_THROWS_WITH(prognos::cross_validate(forest_pipeline(), data.X, data.y, folds, neg_rmse),
                        ptest::contains("fold 0 holds row 500 but the data has 180 rows"));
    REQUIRE_THROWS_WITH(
        prognos::cross_validate(forest_pipeline(), data.X, Vector(3), folds, neg_rmse),
        ptest::contains("X has 180 rows but y has 3 values"));
}
