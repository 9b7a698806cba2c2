// SPDX-License-Identifier: Apache-2.0
#pragma once

// The pipeline the AI4I examples train and serve. A pipeline's steps are part of its type, so
// the trainer and the server share this one definition; an artifact of another composition is
// refused by the server with a message naming both.

#include <prognos/ensemble.hpp>
#include <prognos/pipeline.hpp>
#include <prognos/preprocessing.hpp>

namespace ai4i {

// Missing readings are filled (median for sensors, most frequent for the product type), the
// type is one-hot encoded, features are standardised, and a random forest decides. Trees do
// not need the scaler; it is there so the same pipeline can take another model unchanged.
using Pipeline = prognos::Pipeline<prognos::SimpleImputer,
                                   prognos::OneHotEncoder,
                                   prognos::StandardScaler,
                                   prognos::RandomForestClassifier>;

// Columns of the AI4I 2020 file that are not features: identifiers, the target, and the five
// failure-mode flags, which record why a failure happened and so would leak the answer.
inline const std::vector<std::string> not_features = {
    "UDI", "Product ID", "Machine failure", "TWF", "HDF", "PWF", "OSF", "RNF"};

inline const char* target = "Machine failure";

} // namespace ai4i
