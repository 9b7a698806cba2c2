// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// A parallel loop over independent tasks.
///
/// Each task writes only its own slot of the output, so the result is the same for any number
/// of threads; only the wall time changes. The threads live for one call: fitting takes
/// milliseconds to minutes, against microseconds to start a thread, and a persistent pool would
/// be one more thing a host program has to manage.

#include <prognos/core/error.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace prognos {

/// The number of threads `n_jobs` asks for: a positive value as given, 0 or -1 for every
/// hardware thread. Other negative values are an error.
inline int resolve_n_jobs(int n_jobs) {
    if (n_jobs > 0) {
        return n_jobs;
    }
    if (n_jobs == 0 || n_jobs == -1) {
        const unsigned hw = std::thread::hardware_concurrency();
        return hw == 0 ? 1 : static_cast<int>(hw);
    }
    PROGNOS_THROW(invalid_argument("n_jobs must be positive, 0 or -1 (all cores), got " +
                                   std::to_string(n_jobs)));
}

/// Calls task(i) for every i in [0, n) on up to `n_jobs` threads (see resolve_n_jobs).
/// Tasks are handed out one at a time, so uneven tasks still balance. If any task throws, the
/// remaining tasks are skipped and the first exception is rethrown in the caller's thread.
template <class Task>
void parallel_for(std::size_t n, int n_jobs, Task&& task) {
    const auto threads = std::min<std::size_t>(static_cast<std::size_t>(resolve_n_jobs(n_jobs)), n);
    if (threads <= 1) {
        for (std::size_t i = 0; i < n; ++i) {
            task(i);
        }
        return;
    }

    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr first_error;
    std::mutex error_mutex;
    auto worker = [&] {
        for (;;) {
            const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
            if (i >= n || failed.load(std::memory_order_relaxed)) {
                return;
            }
            try {
                task(i);
            } catch (...) {
                std::lock_guard<std::mutex> lock(error_mutex);
                if (!first_error) {
                    first_error = std::current_exception();
                }
                failed.store(true, std::memory_order_relaxed);
            }
        }
    };

    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    for (std::size_t t = 0; t + 1 < threads; ++t) {
        pool.emplace_back(worker);
    }
    worker();
    for (auto& thread : pool) {
        thread.join();
    }
    if (first_error) {
        std::rethrow_exception(first_error);
    }
}

} // namespace prognos
