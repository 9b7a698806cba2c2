// SPDX-License-Identifier: Apache-2.0
#pragma once

// The pipeline the AI4I examples train and serve. A pipeline's steps are part of its type, so
// the trainer and the server share this one definition; an artifact of another composition is
// refused by the server with a message naming both.

#include <prognos/core/error.hpp>
#include <prognos/data/labels.hpp>
#include <prognos/ensemble.hpp>
#include <prognos/model_selection/train_test_split.hpp>
#include <prognos/pipeline.hpp>
#include <prognos/preprocessing.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ai4i {

// Missing readings are filled (median for sensors, most frequent for the product type),
// physical quantities are derived from the filled readings, the type is one-hot encoded,
// features are standardised, and a random forest decides. Trees do not need the scaler; it is
// there so the same pipeline can take another model unchanged.
using Pipeline = prognos::Pipeline<prognos::SimpleImputer,
                                   prognos::DerivedColumns,
                                   prognos::OneHotEncoder,
                                   prognos::StandardScaler,
                                   prognos::RandomForestClassifier>;

// The quantities the data set's own description (Matzka, 2020) gives its failure modes in:
// heat dissipation fails when the air-process temperature difference is small at low speed,
// power failure when the mechanical power (torque x angular speed) leaves a band, overstrain
// when tool wear x torque exceeds a limit that depends on the product type. They are computed
// from the six request fields, so a server's clients send the same rows as before; nothing is
// fitted to the data, so no test row can leak into them.
inline prognos::DerivedColumns physics_features() {
    constexpr double rpm_to_rad_per_s = 2.0 * 3.14159265358979323846 / 60.0;
    return prognos::DerivedColumns({
        prognos::DerivedColumns::product(
            "Power [W]", "Torque [Nm]", "Rotational speed [rpm]", rpm_to_rad_per_s),
        prognos::DerivedColumns::difference(
            "Temperature difference [K]", "Process temperature [K]", "Air temperature [K]"),
        prognos::DerivedColumns::product("Strain [min Nm]", "Tool wear [min]", "Torque [Nm]"),
    });
}

// The AI4I pipeline around a forest with the given parameters.
inline Pipeline make_pipeline(const prognos::RandomForestClassifier::Params& forest) {
    prognos::SimpleImputer::Params impute;
    impute.strategy = prognos::SimpleImputer::Strategy::median;
    return Pipeline{prognos::SimpleImputer(impute),
                    physics_features(),
                    prognos::OneHotEncoder(),
                    prognos::StandardScaler(),
                    prognos::RandomForestClassifier(forest)};
}

// Columns of the AI4I 2020 file that are not features: identifiers, the target, and the five
// failure-mode flags, which record why a failure happened and so would leak the answer.
inline const std::vector<std::string> not_features = {
    "UDI", "Product ID", "Machine failure", "TWF", "HDF", "PWF", "OSF", "RNF"};

inline const char* target = "Machine failure";

// What every saved AI4I artifact records about its data: the file, the target and the
// stratified 80/20 split it was trained and scored on.
inline nlohmann::json data_metadata(const prognos::Split& split, std::uint64_t seed) {
    return {{"dataset", "AI4I 2020 Predictive Maintenance Dataset (UCI, CC BY 4.0)"},
            {"target", target},
            {"split",
             {{"kind", "stratified"},
              {"test_size", 0.2},
              {"seed", seed},
              {"n_train", split.train.size()},
              {"n_test", split.test.size()}}}};
}

// The target column as 0/1 labels, refusing data the examples cannot learn or score from: no
// rows, labels other than 0 and 1, or only one of the two (a file with the failures filtered
// out would otherwise train a forest that can only say "no failure").
inline prognos::IntVector failure_labels(const prognos::Table& data) {
    if (data.rows() == 0) {
        throw prognos::invalid_argument("the data has no rows");
    }
    const prognos::IntVector y =
        prognos::labels_from_column(data.column(std::string_view{target})).y;
    for (prognos::Index i = 0; i < y.size(); ++i) {
        if (y[i] != 0 && y[i] != 1) {
            throw prognos::invalid_argument("'" + std::string(target) +
                                            "' must be 0 or 1; data row " + std::to_string(i + 1) +
                                            " has " + std::to_string(y[i]));
        }
    }
    const auto failures = y.sum();
    if (failures == 0 || failures == y.size()) {
        throw prognos::invalid_argument(std::string("every row has '") + target + "' = " +
                                        (failures == 0 ? "0 (no failures)" : "1 (only failures)") +
                                        ": a failure model needs both kinds of rows");
    }
    return y;
}

} // namespace ai4i
