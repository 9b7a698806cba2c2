// SPDX-License-Identifier: Apache-2.0
//
// Trains a small MLP on AI4I 2020 and draws a progress bar from the epoch callback: the
// library prints nothing, the program decides what progress looks like. The bar shows the
// epoch, the training loss and the early-stopping validation score; pressing nothing is
// needed, but the callback also shows how a program would stop training (a time budget).
//
//     mlp_progress [AI4I.csv] [SECONDS]
//
// The pipeline is the AI4I one with an MLP in place of the forest: impute, one-hot encode
// the product type, standardise (networks need scaled inputs), then 64-32 relu units.

#include <prognos/core/take.hpp>
#include <prognos/data/csv.hpp>
#include <prognos/data/labels.hpp>
#include <prognos/metrics/ranking.hpp>
#include <prognos/model_selection/train_test_split.hpp>
#include <prognos/neural/mlp.hpp>
#include <prognos/pipeline/pipeline.hpp>
#include <prognos/preprocessing.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli.hpp"

namespace {

const std::vector<std::string> not_features = {
    "UDI", "Product ID", "Machine failure", "TWF", "HDF", "PWF", "OSF", "RNF"};

// "[#########...........]  epoch  12/200  loss 0.0712  val 0.9712"
void draw(const prognos::EpochReport& r) {
    const int width = 30;
    const int filled = r.epoch * width / r.max_iter;
    std::printf("\r[%s%s] epoch %3d/%d  loss %.4f  val %.4f  (no gain for %d)",
                std::string(static_cast<std::size_t>(filled), '#').c_str(),
                std::string(static_cast<std::size_t>(width - filled), '.').c_str(),
                r.epoch,
                r.max_iter,
                r.loss,
                r.validation_score,
                r.epochs_without_improvement);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : PROGNOS_AI4I_CSV;
    const cli::Args args("mlp_progress",
                         "trains an MLP on AI4I with a progress bar and a time budget",
                         "mlp_progress [ai4i2020.csv] [budget seconds]");
    if (argc > 1) {
        args.help_if_asked(argv[1]);
    }
    const double budget_s = argc > 2 ? args.real_above("budget", argv[2], 0.0) : 60.0;
    try {
        const prognos::Table data = prognos::read_csv(path);
        const prognos::Table X = data.drop(not_features);
        const prognos::IntVector y =
            prognos::labels_from_column(data.column(std::string_view{"Machine failure"})).y;
        const auto split = prognos::train_test_split(y, 0.2, 42);

        prognos::MLPClassifier::Params p;
        p.hidden_layer_sizes = {64, 32};
        p.early_stopping = true;
        // The held-out loss, not accuracy: with 3.4% failures accuracy hardly moves.
        p.early_stopping_metric = prognos::EarlyStoppingMetric::loss;
        prognos::MLPClassifier mlp(p);
        const auto start = std::chrono::steady_clock::now();
        mlp.set_epoch_callback([&](const prognos::EpochReport& r) {
            draw(r);
            const double elapsed =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            return elapsed < budget_s; // false stops training, keeping the best weights so far
        });
        prognos::SimpleImputer::Params impute;
        impute.strategy = prognos::SimpleImputer::Strategy::median;
        auto pipe = prognos::make_pipeline(prognos::SimpleImputer(impute),
                                           prognos::OneHotEncoder{},
                                           prognos::StandardScaler{},
                                           std::move(mlp));
        pipe.fit(X.take(split.train), prognos::take(y, split.train));
        std::printf("\n");

        const auto& model = pipe.model();
        const char* why = model.status() == prognos::FitStatus::converged ? "early stopping"
                          : model.status() == prognos::FitStatus::stopped_by_callback
                              ? "time budget"
                              : "max_iter";
        const prognos::Matrix proba = pipe.predict_proba(X.take(split.test));
        const double auc = prognos::roc_auc(prognos::take(y, split.test), proba.col(1), 1);
        std::printf("stopped after %d epochs (%s); test ROC AUC %.4f\n", model.n_iter(), why, auc);
        return 0;
    } catch (const prognos::error& e) {
        std::fprintf(stderr, "\nmlp_progress: %s\n", e.what());
        return 1;
    }
}
