// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Everything in prognos, for programs that prefer one include. prognos' own headers never
/// include this file; each includes only what it uses.

#include <prognos/core.hpp>
#include <prognos/data/table.hpp>
