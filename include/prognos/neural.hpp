// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The neural module: small multi-layer perceptrons (MLPClassifier, MLPRegressor and their
/// float variants), the network they share and how it is trained.

#include <prognos/neural/mlp.hpp>
#include <prognos/neural/network.hpp>
#include <prognos/neural/training.hpp>
