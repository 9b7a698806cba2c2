// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Every macro a user may define before including prognos. Each one is optional.
///
/// - PROGNOS_ASSERT(cond): checks internal invariants (never user input, which always throws).
///   Defaults to assert(), so it vanishes with NDEBUG.
/// - PROGNOS_NO_EXCEPTIONS: for builds without exceptions. Errors then go to
///   PROGNOS_THROW_USER(exception_object), which must not return; the default prints nothing
///   and calls std::abort(), because a library next to a machine must never continue on bad
///   state.
///
/// Every translation unit of a program must see the same values of these macros; anything else
/// breaks the one-definition rule, as with any header-only library.

#include <cassert>

#ifndef PROGNOS_ASSERT
#    define PROGNOS_ASSERT(cond) assert(cond)
#endif

#if defined(PROGNOS_NO_EXCEPTIONS)
#    include <cstdlib>
#    ifndef PROGNOS_THROW_USER
#        define PROGNOS_THROW_USER(exception) std::abort()
#    endif
#    define PROGNOS_THROW(exception) PROGNOS_THROW_USER(exception)
#else
#    define PROGNOS_THROW(exception) throw exception
#endif
