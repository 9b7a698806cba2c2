// SPDX-License-Identifier: Apache-2.0
//
// Random forest benchmarks on the AI4I 2020 predictive-maintenance data: fitting 100 trees,
// single-row predict_proba_row (the call a controller makes per reading) and batch predict.
//
// Data: the file named by the environment variable PROGNOS_AI4I_CSV, else the path compiled
// in as PROGNOS_AI4I_DEFAULT (examples/data/ai4i2020.csv of this repository). Type L/M/H
// becomes 0/1/2; the features are Type, air and process temperature, rotational speed, torque
// and tool wear; the label is `Machine failure`.

#include <prognos/ensemble/random_forest.hpp>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef PROGNOS_AI4I_DEFAULT
#    define PROGNOS_AI4I_DEFAULT "examples/data/ai4i2020.csv"
#endif

namespace {

struct Ai4i {
    prognos::Matrix X;
    prognos::IntVector y;
};

std::vector<std::string> split_line(const std::string& line) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) {
        if (!cell.empty() && cell.back() == '\r') {
            cell.pop_back();
        }
        cells.push_back(cell);
    }
    return cells;
}

Ai4i load_ai4i() {
    const char* env = std::getenv("PROGNOS_AI4I_CSV");
    const std::string path = env != nullptr ? env : PROGNOS_AI4I_DEFAULT;
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("forest_bench: cannot open " + path +
                                 " (set PROGNOS_AI4I_CSV to the AI4I 2020 csv)");
    }
    std::string line;
    std::getline(in, line);
    if (line.compare(0, 3, "\xEF\xBB\xBF") == 0) {
        line.erase(0, 3); // the published file starts with a UTF-8 byte-order mark
    }
    const std::vector<std::string> header = split_line(line);
    const std::vector<std::string> wanted = {"Type",
                                             "Air temperature [K]",
                                             "Process temperature [K]",
                                             "Rotational speed [rpm]",
                                             "Torque [Nm]",
                                             "Tool wear [min]",
                                             "Machine failure"};
    std::vector<std::size_t> at;
    for (const auto& name : wanted) {
        std::size_t k = 0;
        while (k < header.size() && header[k] != name) {
            ++k;
        }
        if (k == header.size()) {
            throw std::runtime_error("forest_bench: column '" + name + "' missing in " + path);
        }
        at.push_back(k);
    }
    std::vector<std::vector<std::string>> rows;
    while (std::getline(in, line)) {
        if (!line.empty()) {
            rows.push_back(split_line(line));
        }
    }
    Ai4i data{prognos::Matrix(static_cast<prognos::Index>(rows.size()), 6),
              prognos::IntVector(static_cast<prognos::Index>(rows.size()))};
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto r = static_cast<prognos::Index>(i);
        const std::string& type = rows[i].at(at[0]);
        data.X(r, 0) = type == "L" ? 0.0 : type == "M" ? 1.0 : type == "H" ? 2.0 : -1.0;
        for (int j = 1; j < 6; ++j) {
            data.X(r, j) = std::stod(rows[i].at(at[static_cast<std::size_t>(j)]));
        }
        data.y[r] = std::stoi(rows[i].at(at[6]));
    }
    return data;
}

const Ai4i& ai4i() {
    static const Ai4i data = load_ai4i();
    return data;
}

prognos::RandomForestClassifier forest_for(int n_jobs) {
    prognos::RandomForestClassifier::Params p;
    p.n_estimators = 100;
    p.n_jobs = n_jobs;
    p.seed = 1;
    return prognos::RandomForestClassifier(p);
}

void BM_ForestFit(benchmark::State& state) {
    const Ai4i& d = ai4i();
    const auto n = static_cast<prognos::Index>(state.range(0));
    const prognos::Matrix X = d.X.topRows(n);
    const prognos::IntVector y = d.y.head(n);
    for (auto _ : state) {
        prognos::RandomForestClassifier forest = forest_for(static_cast<int>(state.range(1)));
        forest.fit(X, y);
        benchmark::DoNotOptimize(forest.trees().data());
    }
    state.SetItemsProcessed(state.iterations() * 100);
    state.SetLabel("100 trees, " + std::to_string(n) + " rows x 6, n_jobs " +
                   std::to_string(state.range(1)));
}

BENCHMARK(BM_ForestFit)
    ->Args({8000, 1})
    ->Args({8000, -1})
    ->Args({2000, -1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_ForestPredictProbaRow(benchmark::State& state) {
    const Ai4i& d = ai4i();
    prognos::RandomForestClassifier forest = forest_for(-1);
    forest.fit(d.X.topRows(8000), d.y.head(8000));
    // Held-out rows, row-major, cycled so that different paths through the trees are taken.
    const prognos::Index n_test = d.X.rows() - 8000;
    std::vector<double> rows;
    for (prognos::Index i = 8000; i < d.X.rows(); ++i) {
        for (int j = 0; j < 6; ++j) {
            rows.push_back(d.X(i, j));
        }
    }
    double out[2];
    prognos::Index i = 0;
    for (auto _ : state) {
        forest.predict_proba_row(rows.data() + 6 * i, out);
        benchmark::DoNotOptimize(out);
        i = (i + 1) % n_test;
    }
}

BENCHMARK(BM_ForestPredictProbaRow)->Unit(benchmark::kMicrosecond);

// Batch predict of the 2000 held-out rows, on one thread (the walk itself) and on all threads.
// CPU time is reported beside wall time: on a shared machine it moves less with the load.
void BM_ForestPredictBatch(benchmark::State& state) {
    const Ai4i& d = ai4i();
    prognos::RandomForestClassifier forest = forest_for(-1);
    forest.fit(d.X.topRows(8000), d.y.head(8000));
    forest.params().n_jobs = static_cast<int>(state.range(0));
    const prognos::Matrix X = d.X.bottomRows(d.X.rows() - 8000);
    for (auto _ : state) {
        prognos::IntVector labels = forest.predict(X);
        benchmark::DoNotOptimize(labels.data());
    }
    state.SetItemsProcessed(state.iterations() * X.rows());
    state.SetLabel("100 trees, " + std::to_string(X.rows()) + " rows, n_jobs " +
                   std::to_string(state.range(0)));
}

BENCHMARK(BM_ForestPredictBatch)->Arg(1)->Arg(-1)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
