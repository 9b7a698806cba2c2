// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The io module: the artifact file format and the JSON archive behind it.

#include <prognos/io/artifact.hpp>
#include <prognos/io/json_archive.hpp>
#include <prognos/io/json_rows.hpp>
