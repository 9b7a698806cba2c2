// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The data module: the Table of named numeric and categorical columns, its Schema, and the CSV
/// reader that produces it.

#include <prognos/data/csv.hpp>
#include <prognos/data/labels.hpp>
#include <prognos/data/table.hpp>
