// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// How estimators describe their fitted state for saving and loading.
///
/// An estimator never sees the file format. It writes one member template,
///
///     template <class Archive>
///     void serialize(Archive& ar);
///
/// that names each piece of state once, and the same code then serves saving and loading:
///
///     ar("max_depth", params_.max_depth);   // scalars, strings, std::vector of those,
///     ar("threshold", threshold_);          // Matrix, Vector, IntVector
///     ar.nested("scaler", scaler_);         // a member with its own serialize()
///     ar.nested_list("trees", trees_);      // a std::vector of such members
///     ar.optional("threshold", t_, fallback); // added later: old files lack it
///     if (Archive::loading) { ar.require(ok, "what is wrong"); }
///
/// Supported value types: bool, int, std::int64_t, std::uint64_t, double, std::string,
/// std::vector of int, std::int64_t, std::uint8_t, double, float and std::string, and the Eigen
/// types of core/types.hpp. Doubles round-trip bit for bit, NaN and infinities included.
///
/// Loading must leave no way to crash later: after reading, an estimator checks every
/// invariant its predict relies on (indices in range, sizes consistent) through
/// ar.require(condition, message), which throws prognos::parse_error naming the field path.
/// A damaged or hand-edited file is then reported at load time instead of as a crash during
/// prediction.
///
/// The archive types themselves live in prognos/io, which is the only module that knows the
/// file format.

#include <string>
#include <type_traits>
#include <utility>

namespace prognos {

/// True when T has a member template serialize(Archive&) usable with Archive.
template <class T, class Archive, class = void>
struct is_serializable : std::false_type {};

template <class T, class Archive>
struct is_serializable<
    T,
    Archive,
    std::void_t<decltype(std::declval<T&>().serialize(std::declval<Archive&>()))>>
    : std::true_type {};

/// The name a type is stored under in artifacts: T::type_name() where T provides
/// `static const char* type_name()`, as every prognos estimator and transformer does.
/// Loading checks it, so reading a file into the wrong type fails with a clear message.
template <class T, class = void>
struct type_name_trait {
    static std::string get() { return "unnamed"; }
};

template <class T>
struct type_name_trait<T, std::void_t<decltype(T::type_name())>> {
    static std::string get() { return T::type_name(); }
};

template <class T>
std::string type_name_of() {
    return type_name_trait<T>::get();
}

} // namespace prognos
