// SPDX-License-Identifier: Apache-2.0
#include <prognos/core/parallel.hpp>
#include <prognos/core/random.hpp>

#include <atomic>
#include <numeric>
#include <set>
#include <stdexcept>
#include <vector>

#include "support/catch.hpp"

using prognos::Random;

TEST_CASE("Random gives the same stream for the same seed and stream", "[core][random]") {
    Random a(42, 3);
    Random b(42, 3);
    for (int i = 0; i < 100; ++i) {
        REQUIRE(a() == b());
    }
}

TEST_CASE("Random streams of one seed differ", "[core][random]") {
    Random a(42, 0);
    Random b(42, 1);
    int equal = 0;
    for (int i = 0; i < 100; ++i) {
        equal += a() == b();
    }
    REQUIRE(equal == 0);
}

TEST_CASE("Random uniform_index stays in range and covers it evenly", "[core][random]") {
    Random r(7);
    std::vector<int> counts(10, 0);
    const int draws = 100000;
    for (int i = 0; i < draws; ++i) {
        const auto k = r.uniform_index(10);
        REQUIRE(k < 10);
        ++counts[k];
    }
    // Each bin expects 10000 draws with a standard deviation of sqrt(100000 * 0.1 * 0.9) = 95;
    // 6 standard deviations would fail by chance far less than once in a billion runs.
    for (int c : counts) {
        CHECK(std::abs(c - draws / 10) < 6 * 95);
    }
}

TEST_CASE("Random uniform01 lies in the unit interval with mean one half", "[core][random]") {
    Random r(11);
    double sum = 0;
    const int draws = 100000;
    for (int i = 0; i < draws; ++i) {
        const double u = r.uniform01();
        REQUIRE(u >= 0.0);
        REQUIRE(u < 1.0);
        sum += u;
    }
    // Standard error of the mean of U(0,1) over 1e5 draws: sqrt(1/12/1e5) = 0.00091.
    CHECK(std::abs(sum / draws - 0.5) < 6 * 0.00091);
}

TEST_CASE("Random shuffle is a permutation and depends on the seed", "[core][random]") {
    std::vector<int> a(50), b(50);
    std::iota(a.begin(), a.end(), 0);
    std::iota(b.begin(), b.end(), 0);
    Random(1).shuffle(a.begin(), a.end());
    Random(2).shuffle(b.begin(), b.end());
    REQUIRE(std::set<int>(a.begin(), a.end()).size() == 50);
    REQUIRE(a != b);
}

TEST_CASE("parallel_for visits every index once at any thread count", "[core][parallel]") {
    for (int jobs : {1, 2, 8}) {
        std::vector<std::atomic<int>> hits(1000);
        prognos::parallel_for(hits.size(), jobs, [&](std::size_t i) { ++hits[i]; });
        for (auto& h : hits) {
            REQUIRE(h.load() == 1);
        }
    }
}

TEST_CASE("parallel_for rethrows a task's exception in the caller", "[core][parallel]") {
    auto run = [] {
        prognos::parallel_for(100, 4, [](std::size_t i) {
            if (i == 37) {
                throw std::runtime_error("task 37 failed");
            }
        });
    };
    REQUIRE_THROWS_WITH(run(), "task 37 failed");
}

TEST_CASE("resolve_n_jobs rejects negative values other than -1", "[core][parallel]") {
    REQUIRE(prognos::resolve_n_jobs(3) == 3);
    REQUIRE(prognos::resolve_n_jobs(-1) >= 1);
    REQUIRE_THROWS_AS(prognos::resolve_n_jobs(-2), prognos::invalid_argument);
}
