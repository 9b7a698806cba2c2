// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Compile-time questions about estimator types, answered from their member functions alone
/// (no base class to inherit): can it transform this kind of data, can it predict, does it
/// give probabilities. The pipeline uses them to check its composition while compiling.

#include <type_traits>
#include <utility>

namespace prognos {

/// True when `step.transform(data)` compiles for a const Step and a const Data.
template <class Step, class Data, class = void>
struct can_transform : std::false_type {};

template <class Step, class Data>
struct can_transform<
    Step,
    Data,
    std::void_t<decltype(std::declval<const Step&>().transform(std::declval<const Data&>()))>>
    : std::true_type {};

/// True when Step is a model: it has `predict(X) const` for matrix X.
template <class Step, class Matrix, class = void>
struct is_model : std::false_type {};

template <class Step, class Matrix>
struct is_model<
    Step,
    Matrix,
    std::void_t<decltype(std::declval<const Step&>().predict(std::declval<const Matrix&>()))>>
    : std::true_type {};

/// True when Step gives class probabilities: `predict_proba(X) const`.
template <class Step, class Matrix, class = void>
struct has_predict_proba : std::false_type {};

template <class Step, class Matrix>
struct has_predict_proba<
    Step,
    Matrix,
    std::void_t<decltype(std::declval<const Step&>().predict_proba(std::declval<const Matrix&>()))>>
    : std::true_type {};

/// True when Step can name its output features from its input names.
template <class Step, class Names, class = void>
struct has_feature_names_out : std::false_type {};

template <class Step, class Names>
struct has_feature_names_out<Step,
                             Names,
                             std::void_t<decltype(std::declval<const Step&>().feature_names_out(
                                 std::declval<const Names&>()))>> : std::true_type {};

/// For static_assert messages that must only fire when a template is instantiated.
template <class...>
inline constexpr bool dependent_false = false;

} // namespace prognos
