// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The library version. CMake reads the three numbers from this file, so it is the only place
/// they are written down.

#define PROGNOS_VERSION_MAJOR 0
#define PROGNOS_VERSION_MINOR 1
#define PROGNOS_VERSION_PATCH 0

#define PROGNOS_DETAIL_STR2(x) #x
#define PROGNOS_DETAIL_STR(x) PROGNOS_DETAIL_STR2(x)
/// "MAJOR.MINOR.PATCH", for artifacts and messages.
#define PROGNOS_VERSION_STRING                                                                     \
    PROGNOS_DETAIL_STR(PROGNOS_VERSION_MAJOR)                                                      \
    "." PROGNOS_DETAIL_STR(PROGNOS_VERSION_MINOR) "." PROGNOS_DETAIL_STR(PROGNOS_VERSION_PATCH)

namespace prognos {

/// The version as a string, for code that prefers a function to a macro.
inline const char* version_string() noexcept {
    return PROGNOS_VERSION_STRING;
}

} // namespace prognos
