// SPDX-License-Identifier: Apache-2.0
#pragma once

// One include for the tests that works with Catch2 v2 (Debian 12 ships 2.13, a single header)
// and v3 (vcpkg and Conan ship it, split into many headers). Tests include this file only.

#if __has_include(<catch2/catch_all.hpp>)
#    include <catch2/catch_all.hpp>
using Catch::Approx;

namespace ptest {
inline auto contains(const std::string& s) {
    return Catch::Matchers::ContainsSubstring(s);
}
} // namespace ptest
#else
#    include <catch2/catch.hpp>

namespace ptest {
inline auto contains(const std::string& s) {
    return Catch::Matchers::Contains(s);
}
} // namespace ptest
#endif
