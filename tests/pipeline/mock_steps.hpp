// SPDX-License-Identifier: Apache-2.0
#pragma once

// Minimal steps with results that are easy to work out by hand, so the pipeline's plumbing
// can be tested apart from the real transformers and models.

#include <prognos/core/check.hpp>
#include <prognos/core/types.hpp>
#include <prognos/data/table.hpp>

#include <string>
#include <vector>

namespace mock {

// Table -> Table: adds 100 to every numeric value; remembers nothing but that it was fitted.
struct AddHundred {
    static const char* type_name() { return "AddHundred"; }

    bool fitted = false;

    AddHundred& fit(const prognos::Table&) {
        fitted = true;
        return *this;
    }

    prognos::Table transform(const prognos::Table& t) const {
        prognos::Table out;
        for (const auto& c : t.columns()) {
            if (c.is_numeric()) {
                auto v = c.numbers();
                for (auto& x : v) {
                    x += 100;
                }
                out.add(prognos::Column::numeric(c.name(), v));
            } else {
                out.add(c);
            }
        }
        return out;
    }

    std::vector<std::string> feature_names_out(const std::vector<std::string>& in) const {
        return in;
    }

    template <class Archive>
    void serialize(Archive& ar) {
        ar("fitted", fitted);
    }
};

// Matrix -> Matrix: subtracts the training column means.
struct Center {
    static const char* type_name() { return "Center"; }

    prognos::Vector mean;

    Center& fit(const prognos::Matrix& X) {
        mean = X.colwise().mean().transpose();
        return *this;
    }

    prognos::Matrix transform(const prognos::Matrix& X) const {
        prognos::check_n_features(mean.size(), X.cols(), "Center::transform");
        return X.rowwise() - mean.transpose();
    }

    std::vector<std::string> feature_names_out(const std::vector<std::string>& in) const {
        return in;
    }

    template <class Archive>
    void serialize(Archive& ar) {
        ar("mean", mean);
    }
};

// Classifier: label 1 when the first feature is positive; probability [0.25, 0.75] for
// label 1 and [0.75, 0.25] for label 0. Rejects non-finite values as real models do.
struct SignModel {
    static const char* type_name() { return "SignModel"; }

    prognos::Index n_features_ = 0;
    prognos::Matrix seen; // the matrix fit() received, for inspection

    SignModel& fit(const prognos::Matrix& X, const prognos::IntVector&) {
        prognos::check_finite(X, "SignModel::fit");
        n_features_ = X.cols();
        seen = X;
        return *this;
    }

    prognos::IntVector predict(const prognos::Matrix& X) const {
        prognos::check_finite(X, "SignModel::predict");
        prognos::IntVector y(X.rows());
        for (prognos::Index i = 0; i < X.rows(); ++i) {
            y[i] = X(i, 0) > 0 ? 1 : 0;
        }
        return y;
    }

    prognos::Matrix predict_proba(const prognos::Matrix& X) const {
        prognos::Matrix p(X.rows(), 2);
        const auto y = predict(X);
        for (prognos::Index i = 0; i < X.rows(); ++i) {
            p(i, 0) = y[i] == 1 ? 0.25 : 0.75;
            p(i, 1) = 1 - p(i, 0);
        }
        return p;
    }

    std::vector<int> classes() const { return {0, 1}; }

    prognos::Index n_features() const { return n_features_; }

    template <class Archive>
    void serialize(Archive& ar) {
        ar("n_features", n_features_);
    }
};

// Regressor: predicts the sum of the features.
struct SumModel {
    static const char* type_name() { return "SumModel"; }

    SumModel& fit(const prognos::Matrix&, const prognos::Vector&) { return *this; }

    prognos::Vector predict(const prognos::Matrix& X) const { return X.rowwise().sum(); }

    template <class Archive>
    void serialize(Archive&) {}
};

} // namespace mock
