// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The predictive-maintenance module: windowed sensor features per asset (batch and
/// streaming), remaining-useful-life and failure-horizon labels, cost-optimal alarm thresholds
/// and stream alarm filtering, and Weibull life analysis with censoring.

#include <prognos/pdm/alarm.hpp>
#include <prognos/pdm/labels.hpp>
#include <prognos/pdm/weibull.hpp>
#include <prognos/pdm/windows.hpp>
