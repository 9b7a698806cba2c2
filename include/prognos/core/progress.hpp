// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Progress reporting. prognos never prints; long fits call a user callback instead, so the
/// host program decides whether progress goes to a terminal, a log or nowhere.

#include <cstddef>
#include <functional>
#include <string_view>

namespace prognos {

/// One progress report: `done` of `total` units of `stage` are finished.
struct ProgressEvent {
    std::string_view estimator; ///< e.g. "RandomForestClassifier"
    std::string_view stage;     ///< e.g. "trees"
    std::size_t done = 0;
    std::size_t total = 0;
};

/// Called from the thread that runs fit(), never concurrently, so it needs no locking.
/// An empty function means no reporting.
using ProgressCallback = std::function<void(const ProgressEvent&)>;

} // namespace prognos
