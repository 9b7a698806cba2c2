// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// A seeded random generator whose output is the same on every platform and compiler.
///
/// The standard distributions (std::uniform_int_distribution and friends) are allowed to differ
/// between standard libraries, so a model trained with one seed could differ between a g++ and a
/// clang build. prognos therefore draws everything from its own generator: xoshiro256** for the
/// stream, SplitMix64 to spread a seed over its state, and Lemire's multiply-shift method for
/// unbiased bounded integers.
///
/// Parallel work never shares a generator: each task (a tree, a fold) derives its own stream
/// from the user's seed and the task's index, so results do not depend on which thread ran what.

#include <cstdint>
#include <limits>
#include <utility>

namespace prognos {

class Random {
public:
    using result_type = std::uint64_t;

    /// A generator for the stream `stream` of the seed `seed`. Different streams of one seed are
    /// statistically independent for all practical purposes.
    explicit Random(std::uint64_t seed = 0, std::uint64_t stream = 0) noexcept {
        std::uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ULL);
        for (auto& word : state_) {
            word = splitmix(x);
        }
    }

    static constexpr result_type min() noexcept { return 0; }

    static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

    /// The next 64 random bits.
    result_type operator()() noexcept {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }

    /// A uniform integer in [0, n); n must be positive.
    std::uint64_t uniform_index(std::uint64_t n) noexcept {
        // Multiply-shift maps 64 random bits onto [0, n) through the high half of a 128-bit
        // product; rejecting the few low halves that would over-represent some values makes
        // the result exactly uniform.
        std::uint64_t high = 0;
        std::uint64_t low = multiply(operator()(), n, high);
        if (low < n) {
            const std::uint64_t threshold = (0 - n) % n;
            while (low < threshold) {
                low = multiply(operator()(), n, high);
            }
        }
        return high;
    }

    /// A uniform double in [0, 1) with 53 random bits.
    double uniform01() noexcept { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }

    /// Shuffles [first, last) in place (Fisher-Yates).
    template <class RandomIt>
    void shuffle(RandomIt first, RandomIt last) noexcept {
        const auto n = static_cast<std::uint64_t>(last - first);
        for (std::uint64_t i = n; i > 1; --i) {
            const std::uint64_t j = uniform_index(i);
            using std::swap;
            swap(first[i - 1], first[j]);
        }
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) noexcept {
        return (x << k) | (x >> (64 - k));
    }

    // 64 x 64 -> 128-bit product from 32-bit halves: returns the low half, stores the high
    // half. Portable ISO C++, unlike the compilers' __int128.
    static std::uint64_t multiply(std::uint64_t a, std::uint64_t b, std::uint64_t& high) noexcept {
        const std::uint64_t a_lo = a & 0xFFFFFFFFULL, a_hi = a >> 32;
        const std::uint64_t b_lo = b & 0xFFFFFFFFULL, b_hi = b >> 32;
        const std::uint64_t lo_lo = a_lo * b_lo;
        const std::uint64_t hi_lo = a_hi * b_lo;
        const std::uint64_t lo_hi = a_lo * b_hi;
        const std::uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xFFFFFFFFULL) + lo_hi;
        high = a_hi * b_hi + (hi_lo >> 32) + (cross >> 32);
        return (cross << 32) | (lo_lo & 0xFFFFFFFFULL);
    }

    static std::uint64_t splitmix(std::uint64_t& x) noexcept {
        std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

    std::uint64_t state_[4];
};

} // namespace prognos
