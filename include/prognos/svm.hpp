// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The svm module: kernel support vector machines for classification (SVC), regression (SVR)
/// and anomaly detection (OneClassSVM), on one SMO solver.

#include <prognos/svm/kernel.hpp>
#include <prognos/svm/one_class_svm.hpp>
#include <prognos/svm/svc.hpp>
#include <prognos/svm/svr.hpp>
