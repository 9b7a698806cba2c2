// SPDX-License-Identifier: Apache-2.0
//
// Cross-validated accuracy of StandardScaler -> SVC (RBF, C = 1, gamma = scale) on the CWRU
// bearing features, on the folds bench/svm_cwru_folds.py wrote (so scikit-learn and prognos
// are scored on identical splits):
//
//     svm_cwru_cv DATA.csv FOLDS.csv
//
// FOLDS.csv holds one fold number per data row. Prints the accuracy per fold and the mean.

#include <prognos/data/csv.hpp>
#include <prognos/data/labels.hpp>
#include <prognos/pipeline/pipeline.hpp>
#include <prognos/preprocessing/standard_scaler.hpp>
#include <prognos/svm/svc.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: svm_cwru_cv DATA.csv FOLDS.csv\n");
        return 2;
    }
    try {
        const prognos::Table t = prognos::read_csv(argv[1]);
        const prognos::Labels labels =
            prognos::labels_from_column(t.column(std::string_view{"fault"}));
        const prognos::Matrix X = t.drop({"fault"}).to_matrix();
        std::vector<int> fold;
        std::ifstream in(argv[2]);
        for (int f = 0; in >> f;) {
            fold.push_back(f);
        }
        if (static_cast<prognos::Index>(fold.size()) != X.rows()) {
            std::fprintf(stderr,
                         "svm_cwru_cv: %zu folds for %ld rows\n",
                         fold.size(),
                         static_cast<long>(X.rows()));
            return 1;
        }
        double sum = 0.0;
        std::printf("prognos folds");
        for (int k = 0; k < 5; ++k) {
            std::vector<prognos::Index> tr;
            std::vector<prognos::Index> te;
            for (std::size_t i = 0; i < fold.size(); ++i) {
                (fold[i] == k ? te : tr).push_back(static_cast<prognos::Index>(i));
            }
            prognos::Matrix Xtr(static_cast<prognos::Index>(tr.size()), X.cols());
            prognos::IntVector ytr(static_cast<prognos::Index>(tr.size()));
            for (std::size_t r = 0; r < tr.size(); ++r) {
                Xtr.row(static_cast<prognos::Index>(r)) = X.row(tr[r]);
                ytr[static_cast<prognos::Index>(r)] = labels.y[tr[r]];
            }
            auto pipe = prognos::make_pipeline(prognos::StandardScaler{}, prognos::SVC{});
            pipe.fit(Xtr, ytr);
            prognos::Matrix Xte(static_cast<prognos::Index>(te.size()), X.cols());
            for (std::size_t r = 0; r < te.size(); ++r) {
                Xte.row(static_cast<prognos::Index>(r)) = X.row(te[r]);
            }
            const prognos::IntVector pred = pipe.predict(Xte);
            long correct = 0;
            for (std::size_t r = 0; r < te.size(); ++r) {
                correct += pred[static_cast<prognos::Index>(r)] == labels.y[te[r]];
            }
            const double acc = static_cast<double>(correct) / static_cast<double>(te.size());
            sum += acc;
            std::printf(" %.4f", acc);
        }
        std::printf(" mean %.4f\n", sum / 5.0);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "svm_cwru_cv: %s\n", e.what());
        return 1;
    }
}
