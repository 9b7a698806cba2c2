// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The tree module: CART decision trees for classification and regression, their flat
/// inference form, and the max_features rule they share with the forests.

#include <prognos/tree/class_weight.hpp>
#include <prognos/tree/decision_tree.hpp>
#include <prognos/tree/flat_tree.hpp>
#include <prognos/tree/max_features.hpp>
