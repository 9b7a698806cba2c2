// SPDX-License-Identifier: Apache-2.0
// quickstart: the program shown at the top of the README, compiled so that it stays true.
//
//   quickstart [ai4i2020.csv]

#include <prognos/prognos.hpp>

#include <cstdio>

int main(int argc, char** argv) {
    try {
        prognos::Table data = prognos::read_csv(argc > 1 ? argv[1] : PROGNOS_AI4I_CSV);
        auto model = prognos::make_pipeline(prognos::SimpleImputer{}, // fill missing readings
                                            prognos::OneHotEncoder{}, // machine type -> 0/1
                                            prognos::RandomForestClassifier{});
        model.fit(data.drop({"UDI", "Product ID", "TWF", "HDF", "PWF", "OSF", "RNF"}),
                  "Machine failure");
        prognos::io::save(model, "failure.prognos"); // one versioned file

        const prognos::Table new_readings = data.take({0, 1, 2});
        prognos::Matrix p = model.predict_proba(new_readings); // columns matched by name
        for (prognos::Index i = 0; i < p.rows(); ++i) {
            std::printf("row %ld: failure probability %.2f\n", static_cast<long>(i), p(i, 1));
        }

        // Held-out evaluation, as docs/getting-started.md shows it.
        const prognos::Table X =
            data.drop({"UDI", "Product ID", "Machine failure", "TWF", "HDF", "PWF", "OSF", "RNF"});
        const prognos::IntVector y = prognos::labels_from_column(data.column("Machine failure")).y;
        const auto split = prognos::train_test_split(y, 0.2, 42); // stratified by default
        model.fit(X.take(split.train), prognos::take(y, split.train));
        const prognos::Matrix proba = model.predict_proba(X.take(split.test));
        const double auc = prognos::roc_auc(prognos::take(y, split.test), proba.col(1));
        std::printf("held-out ROC-AUC %.4f\n", auc);
        return 0;
    } catch (const prognos::error& e) {
        std::fprintf(stderr, "quickstart: %s\n", e.what());
        return 1;
    }
}
