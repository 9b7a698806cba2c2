// SPDX-License-Identifier: Apache-2.0
// train_ai4i: trains the AI4I 2020 failure model, evaluates it beside a majority-class
// baseline on a stratified 80/20 split, and saves the fitted pipeline as one artifact.
//
//   train_ai4i [--data FILE] [--out FILE] [--trees N] [--seed N] [--jobs N]
//
// Defaults: the bundled examples/data/ai4i2020.csv, ai4i.prognos, 100 trees, seed 42, all
// cores. The same seed gives the same split, the same forest and the same figures at any
// number of cores.

#include <prognos/core/take.hpp>
#include <prognos/data/csv.hpp>
#include <prognos/data/labels.hpp>
#include <prognos/io/artifact.hpp>
#include <prognos/metrics.hpp>
#include <prognos/model_selection.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "ai4i_pipeline.hpp"
#include "cli.hpp"
#include <unistd.h>

namespace {

struct Options {
    std::string data = PROGNOS_AI4I_CSV;
    std::string out = "ai4i.prognos";
    int trees = 100;
    std::uint64_t seed = 42;
    int jobs = -1;
};

Options parse(int argc, char** argv) {
    const cli::Args args("train_ai4i",
                         "trains, evaluates and saves the AI4I 2020 failure model",
                         "train_ai4i [--data FILE] [--out FILE] [--trees N] [--seed N] [--jobs N "
                         "(0 or -1: all cores)]");
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        args.help_if_asked(flag);
        const char* value = args.value(argc, argv, i);
        if (flag == "--data") {
            o.data = value;
        } else if (flag == "--out") {
            o.out = value;
        } else if (flag == "--trees") {
            o.trees = static_cast<int>(args.whole(flag, value, 1, 100000));
        } else if (flag == "--seed") {
            o.seed = static_cast<std::uint64_t>(args.whole(flag, value, 0, 1LL << 62));
        } else if (flag == "--jobs") {
            o.jobs = static_cast<int>(args.whole(flag, value, -1, 1024));
        } else {
            args.unknown(flag);
        }
    }
    return o;
}

struct Scores {
    double accuracy, precision, recall, f1, roc_auc, pr_auc;
};

// Scores of hard predictions and of a failure score, for the failure class (label 1).
Scores evaluate(const prognos::IntVector& y,
                const prognos::IntVector& pred,
                const prognos::Vector& score) {
    return {prognos::accuracy(y, pred),
            prognos::precision(y, pred, 1),
            prognos::recall(y, pred, 1),
            prognos::f1(y, pred, 1),
            prognos::roc_auc(y, score, 1),
            prognos::average_precision(y, score, 1)};
}

void print_row(const char* name, const Scores& s) {
    std::printf("  %-20s %8.4f %9.4f %7.4f %7.4f %8.4f %7.4f\n",
                name,
                s.accuracy,
                s.precision,
                s.recall,
                s.f1,
                s.roc_auc,
                s.pr_auc);
}

nlohmann::json to_json(const Scores& s) {
    return {{"accuracy", s.accuracy},
            {"precision", s.precision},
            {"recall", s.recall},
            {"f1", s.f1},
            {"roc_auc", s.roc_auc},
            {"pr_auc", s.pr_auc}};
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    try {
        // Load: Type (L/M/H) is read as a category; everything else numeric.
        const prognos::Table data = prognos::read_csv(options.data);
        const prognos::Table X = data.drop(ai4i::not_features);
        const prognos::IntVector y = ai4i::failure_labels(data);
        std::printf("AI4I 2020: %zu rows, %zu features, %d failures (%.1f%%)\n",
                    X.rows(),
                    X.cols(),
                    y.sum(),
                    100.0 * y.sum() / static_cast<double>(y.size()));

        // Split: stratified, so both sides keep the 3.4% failure rate.
        const auto split = prognos::train_test_split(y, 0.2, options.seed);
        const prognos::Table X_train = X.take(split.train);
        const prognos::Table X_test = X.take(split.test);
        const prognos::IntVector y_train = prognos::take(y, split.train);
        const prognos::IntVector y_test = prognos::take(y, split.test);
        std::printf("split: stratified 80/20, seed %llu: train %zu rows (%d failures), test "
                    "%zu rows (%d failures)\n",
                    static_cast<unsigned long long>(options.seed),
                    split.train.size(),
                    y_train.sum(),
                    split.test.size(),
                    y_test.sum());

        // Fit, reporting progress through the callback: the library itself prints nothing.
        prognos::RandomForestClassifier::Params forest;
        forest.n_estimators = options.trees;
        forest.seed = options.seed;
        forest.n_jobs = options.jobs;
        // A progress bar on a terminal; nothing when the output goes to a file or a pipe.
        if (isatty(STDOUT_FILENO) != 0) {
            forest.progress = [](const prognos::ProgressEvent& e) {
                std::printf("\r  fitting %s: %zu/%zu %s",
                            std::string(e.estimator).c_str(),
                            e.done,
                            e.total,
                            std::string(e.stage).c_str());
                std::fflush(stdout);
            };
        }
        ai4i::Pipeline pipeline = ai4i::make_pipeline(forest);
        const auto t0 = std::chrono::steady_clock::now();
        pipeline.fit(X_train, y_train);
        std::printf("%sfitted %d trees in %.2f s\n",
                    isatty(STDOUT_FILENO) != 0 ? "\n  " : "  ",
                    options.trees,
                    seconds_since(t0));

        // Evaluate on the held-out rows, beside a model that always answers the majority
        // class (no failure): accuracy alone would make that look good.
        const prognos::Matrix proba = pipeline.predict_proba(X_test);
        const prognos::Vector failure_score = proba.col(1);
        const prognos::IntVector pred = pipeline.predict(X_test);
        const Scores model = evaluate(y_test, pred, failure_score);
        const int majority = 2 * y_train.sum() > y_train.size() ? 1 : 0;
        const Scores baseline = evaluate(y_test,
                                         prognos::IntVector::Constant(y_test.size(), majority),
                                         prognos::Vector::Constant(y_test.size(), majority));
        std::printf("\ntest set, failure class (label 1):\n");
        std::printf("  %-20s %8s %9s %7s %7s %8s %7s\n",
                    "",
                    "accuracy",
                    "precision",
                    "recall",
                    "F1",
                    "ROC-AUC",
                    "PR-AUC");
        print_row("random forest", model);
        print_row("majority baseline", baseline);
        const auto cm = prognos::confusion_matrix(y_test, pred, {0, 1});
        std::printf("\nconfusion matrix (rows: true, columns: predicted)\n");
        std::printf("  %-12s %10s %8s\n", "", "no failure", "failure");
        std::printf("  %-12s %10ld %8ld\n",
                    "no failure",
                    static_cast<long>(cm(0, 0)),
                    static_cast<long>(cm(0, 1)));
        std::printf("  %-12s %10ld %8ld\n",
                    "failure",
                    static_cast<long>(cm(1, 0)),
                    static_cast<long>(cm(1, 1)));

        // Save the pipeline with what it was trained on and how well it did.
        nlohmann::json metadata = ai4i::data_metadata(split, options.seed);
        metadata.update({{"model", {{"n_estimators", options.trees}, {"seed", options.seed}}},
                         {"test_metrics", to_json(model)},
                         {"baseline_metrics", to_json(baseline)}});
        const auto t1 = std::chrono::steady_clock::now();
        prognos::io::save(pipeline, options.out, metadata);
        std::printf("\nsaved %s in %.2f s\n", options.out.c_str(), seconds_since(t1));
        return 0;
    } catch (const prognos::error& e) {
        std::fprintf(stderr, "train_ai4i: %s\n", e.what());
        return 1;
    }
}
