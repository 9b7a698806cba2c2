// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Kernel rows for the SMO solver: computed in blocks with Eigen and kept in a bounded
/// least-recently-used cache of float rows.
///
/// Why float: a cached row only steers the solver (gradient updates and working-set choice),
/// and float halves the memory per row, so the same budget holds twice the rows and the
/// solver recomputes far fewer of them; exp in float is also vectorised twice as wide. RBF
/// distances are summed in float from the differences of centred data (see KernelRows), so
/// close rows keep their difference to float precision; the other kernels form dot products in
/// double.
///
/// Rows are stored as prefixes: row i holds Q(i, 0..len) for the first len positions of the
/// solver's current order. When shrinking swaps two positions, every cached row swaps the two
/// entries too, and a row that holds one of them but not the other is dropped.

#include <prognos/config.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>
#include <prognos/svm/kernel.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace prognos {
namespace detail {

/// Computes a slice of a kernel row on a second thread while the caller computes the rest.
///
/// The thread lives as long as the solver (one per sub-problem), not one per row: a row takes
/// tens of microseconds, about what starting a thread costs. It sleeps on a condition variable
/// between rows, so an idle worker costs nothing. If the worker has not picked the slice up by
/// the time the caller has finished its own share (the other core is busy with something
/// else), the caller takes the slice back and computes it itself, so a loaded machine makes the
/// threaded solver about as fast as the single-threaded one, not slower. Every value is
/// computed by the same code whichever thread runs it (see KernelRows::rbf_range), so the rows
/// do not depend on the thread count or on who ran which slice.
class RowWorker {
public:
    /// The work to share: task(lo, hi, out) fills out[0, hi - lo).
    using Task = std::function<void(Index, Index, float*)>;

    explicit RowWorker(Task task)
        : task_(std::move(task)) {}

    RowWorker(const RowWorker&) = delete;
    RowWorker& operator=(const RowWorker&) = delete;

    ~RowWorker() {
        if (thread_.joinable()) {
            {
                std::lock_guard<std::mutex> lock(mutex_);
                stop_ = true;
            }
            wake_.notify_one();
            thread_.join();
        }
    }

    /// Offers task(lo, hi, out) to the worker thread (started at the first call) and returns at
    /// once; wait() must follow before the next post().
    void post(Index lo, Index hi, float* out) {
        if (!thread_.joinable() && !no_thread_) {
            try {
                thread_ = std::thread([this] { loop(); });
            } catch (const std::system_error&) {
                no_thread_ = true; // no thread to be had: wait() runs every slice itself
            }
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            lo_ = lo;
            hi_ = hi;
            out_ = out;
            state_.store(posted, std::memory_order_release);
        }
        wake_.notify_one();
    }

    /// Returns once the posted slice is computed, computing it here if the worker has not
    /// started it.
    void wait() {
        int expected = posted;
        if (state_.compare_exchange_strong(expected, idle, std::memory_order_acq_rel)) {
            task_(lo_, hi_, out_);
            return;
        }
        // The worker is running the slice, which is about as long as the caller's own share.
        for (int spin = 0; spin < 20000; ++spin) {
            if (state_.load(std::memory_order_acquire) == done) {
                state_.store(idle, std::memory_order_relaxed);
                return;
            }
        }
        std::unique_lock<std::mutex> lock(mutex_);
        finished_.wait(lock, [this] { return state_.load(std::memory_order_acquire) == done; });
        state_.store(idle, std::memory_order_relaxed);
    }

private:
    enum State : int { idle = 0, posted = 1, running = 2, done = 3 };

    void loop() {
        for (;;) {
            Index lo = 0;
            Index hi = 0;
            float* out = nullptr;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [this] {
                    return stop_ || state_.load(std::memory_order_relaxed) == posted;
                });
                if (stop_) {
                    return;
                }
                int expected = posted;
                if (!state_.compare_exchange_strong(expected, running, std::memory_order_acq_rel)) {
                    continue; // the caller took the slice back
                }
                lo = lo_;
                hi = hi_;
                out = out_;
            }
            task_(lo, hi, out);
            {
                std::lock_guard<std::mutex> lock(mutex_);
                state_.store(done, std::memory_order_release);
            }
            finished_.notify_one();
        }
    }

    Task task_;
    std::thread thread_;
    bool no_thread_ = false;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable finished_;
    Index lo_ = 0;
    Index hi_ = 0;
    float* out_ = nullptr;
    bool stop_ = false;
    std::atomic<int> state_{idle};
};

/// Computes kernel values between rows of one data matrix, in the order the solver keeps them.
///
/// The RBF kernel, by far the most used, has its own path in float: the data are centred
/// (distances do not change) and stored as float columns padded to a multiple of 16 rows, and
/// each distance is summed from the differences themselves, not as |x|² + |y|² - 2 x·y, so close
/// rows keep their distance to float precision of the differences and no cancellation can make
/// it negative. The float copy is half the size of the double one (20 000 × 10 fits the 1 MiB
/// L2 of the machine the figures come from) and the exp runs 16 wide with AVX-512.
///
/// Rows are cached in float, so a kernel value above FLT_MAX (about 3.4e38) would become an
/// infinity and the solver would run on NaN. Linear and poly values are unbounded (a poly
/// kernel of degree 7 on unscaled sensor readings is enough), so the diagonal is checked once
/// at construction and every computed linear or poly row is checked as it is written: an O(n)
/// pass next to the O(n·d) product, that throws numerical_error naming the estimator instead of
/// returning a "converged" model with a NaN objective. rbf and sigmoid values lie in [-1, 1].
class KernelRows {
public:
    /// Values per block of the RBF path: a multiple of every packet size Eigen uses for float.
    static constexpr Index block = 16;

    /// `n_threads` > 1 lets long rows be split with a worker thread; `who` ("SVC::fit") names
    /// the estimator in the overflow error.
    KernelRows(Matrix X, const KernelSpec& spec, int n_threads = 1, std::string who = "SVM")
        : spec_(spec)
        , threads_(n_threads)
        , who_(std::move(who)) {
        if (spec_.type == Kernel::rbf) {
            const Index n = X.rows();
            const Index d = X.cols();
            n_ = n;
            d_ = d;
            padded_ = (n + block - 1) / block * block;
            const Eigen::RowVectorXd mean = X.colwise().mean();
            xf_ = Eigen::MatrixXf::Zero(padded_, d);
            xf_.topRows(n) = (X.rowwise() - mean).cast<float>();
            if (!xf_.allFinite()) {
                // Centred entries beyond the float range (about 3.4e38) would give inf - inf.
                PROGNOS_THROW(numerical_error(
                    who_ + ": the rbf kernel works on the centred rows in float, and X holds "
                           "entries beyond 3.4e38 from its column means; scale the input (e.g. "
                           "StandardScaler)"));
            }
            xi_f_.resize(d);
            if (threads_ > 1) {
                worker_ = std::make_unique<RowWorker>(
                    [this](Index lo, Index hi, float* out) { rbf_range(lo, hi, out); });
            }
        } else {
            n_ = X.rows();
            X_ = std::move(X);
            sq_ = X_.rowwise().squaredNorm();
            xi_.resize(X_.cols());
            dots_.resize(X_.rows());
            if (spec_.type != Kernel::sigmoid) {
                double worst = 0.0;
                for (Index i = 0; i < n_; ++i) {
                    const double v = std::abs(spec_.from_dot(sq_[i]));
                    worst = std::isfinite(v) ? std::max(worst, v) : v;
                    if (!std::isfinite(worst)) {
                        break;
                    }
                }
                if (!(worst <= float_max)) {
                    overflow(worst);
                }
            }
        }
    }

    // The worker's task points at this object.
    KernelRows(const KernelRows&) = delete;
    KernelRows& operator=(const KernelRows&) = delete;

    Index size() const noexcept { return n_; }

    /// K(i, i).
    double diagonal(Index i) const noexcept {
        if (spec_.type == Kernel::rbf) {
            return 1.0;
        }
        return spec_.from_dot(sq_[i]);
    }

    /// K(i, k) for k in [start, end), written to out[k - start].
    void row(Index i, Index start, Index end, float* out) {
        const Index n = end - start;
        if (n <= 0) {
            return;
        }
        if (spec_.type == Kernel::rbf) {
            rbf_row(i, start, end, out);
            return;
        }
        xi_ = X_.row(i).transpose();
        auto dots = dots_.head(n);
        dots.noalias() = X_.middleRows(start, n) * xi_;
        Eigen::Map<Eigen::VectorXf> o(out, n);
        switch (spec_.type) {
        case Kernel::linear:
            o = dots.cast<float>();
            break;
        case Kernel::sigmoid:
            o = (dots.array() * spec_.gamma + spec_.coef0).tanh().cast<float>().matrix();
            return;
        case Kernel::poly:
            for (Index k = 0; k < n; ++k) {
                out[k] = static_cast<float>(
                    KernelSpec::power(spec_.gamma * dots[k] + spec_.coef0, spec_.degree));
            }
            break;
        case Kernel::rbf:
            return;
        }
        // Off-diagonal values can exceed the diagonal ones (poly with a negative coef0).
        if (!o.allFinite()) {
            double worst = 0.0;
            for (Index k = 0; k < n; ++k) {
                const double v =
                    spec_.type == Kernel::linear
                        ? dots[k]
                        : KernelSpec::power(spec_.gamma * dots[k] + spec_.coef0, spec_.degree);
                if (!std::isfinite(static_cast<float>(v))) {
                    worst = std::abs(v);
                    break;
                }
            }
            overflow(worst);
        }
    }

    /// Exchanges rows i and j of the data (the solver's shrinking reorders variables).
    void swap(Index i, Index j) {
        if (spec_.type == Kernel::rbf) {
            xf_.row(i).swap(xf_.row(j));
            return;
        }
        X_.row(i).swap(X_.row(j));
        std::swap(sq_[i], sq_[j]);
    }

private:
    static constexpr double float_max = static_cast<double>(std::numeric_limits<float>::max());

    [[noreturn]] void overflow(double value) const {
        static const char* names[] = {"linear", "poly", "rbf", "sigmoid"};
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.3g", value);
        PROGNOS_THROW(numerical_error(
            who_ + ": kernel values overflow (|K| reaches " + buf + " with the " +
            names[static_cast<int>(spec_.type)] +
            " kernel; the kernel cache holds floats, at most 3.4e38); scale the input (e.g. "
            "StandardScaler)" +
            (spec_.type == Kernel::linear ? "" : " or use a smaller gamma or degree")));
    }

    // Below this many values a row is not worth a hand-over to the worker thread.
    static constexpr Index min_split = 4096;

    void rbf_row(Index i, Index start, Index end, float* out) {
        for (Index j = 0; j < d_; ++j) {
            xi_f_[j] = xf_(i, j);
        }
        const Index n = end - start;
        if (worker_ && n >= min_split) {
            // Split at a block boundary; each half computes whole blocks on its own.
            const Index mid = (start + n / 2) / block * block;
            worker_->post(mid, end, out + (mid - start));
            rbf_range(start, mid, out);
            worker_->wait();
            return;
        }
        rbf_range(start, end, out);
    }

    // K(i, k) for k in [start, end) into out[k - start], block by block. Every value comes from the
    // 16-wide block that holds it, aligned to multiples of 16 from row 0, so it is computed by
    // the same instructions whatever range, split or thread asked for it.
    void rbf_range(Index start, Index end, float* out) const {
        using Block = Eigen::Array<float, block, 1>;
        const float neg_gamma = static_cast<float>(-spec_.gamma);
        for (Index b = start / block * block; b < end; b += block) {
            Block acc = Block::Zero();
            for (Index j = 0; j < d_; ++j) {
                const Eigen::Map<const Block> col(xf_.col(j).data() + b);
                acc += (col - xi_f_[j]).square();
            }
            Block val = (acc * neg_gamma).exp();
            const Index lo = std::max(b, start);
            const Index hi = std::min(b + block, end);
            for (Index k = lo; k < hi; ++k) {
                out[k - start] = val[k - b];
            }
        }
    }

    KernelSpec spec_;
    int threads_ = 1;
    std::string who_;
    Index n_ = 0;
    Index d_ = 0;
    Index padded_ = 0;
    // rbf: centred float copy, padded with zero rows.
    Eigen::MatrixXf xf_;
    Eigen::VectorXf xi_f_;
    // other kernels: the data in double, squared norms and scratch.
    Matrix X_;
    Vector sq_;
    Vector xi_;
    Vector dots_;
    std::unique_ptr<RowWorker> worker_;
};

/// Least-recently-used cache of row prefixes, bounded in bytes.
class RowCache {
public:
    /// `n` rows of at most `n` floats each; `budget_bytes` is raised to two full rows, the
    /// least the solver needs (it holds rows i and j at once).
    RowCache(Index n, double budget_bytes)
        : n_(n)
        , entries_(static_cast<std::size_t>(n) + 1) {
        const double floats = budget_bytes / static_cast<double>(sizeof(float));
        budget_ = std::max<double>(floats, 2.0 * static_cast<double>(n));
        head().prev = head().next = static_cast<int>(n_);
    }

    /**
     * Row i with room for `len` values. Returns the row and sets `valid` to how many leading
     * values are already computed; the caller fills [valid, len).
     */
    float* get(Index i, Index len, Index& valid) {
        Entry& e = entries_[static_cast<std::size_t>(i)];
        if (e.len > 0) {
            unlink(i);
        }
        valid = e.len;
        if (e.len < len) {
            const double more = static_cast<double>(len - e.len);
            while (used_ + more > budget_) {
                const int victim = head().next;
                if (victim == static_cast<int>(n_)) {
                    break;
                }
                drop(victim);
            }
            e.grow(len);
            used_ += more;
            e.len = len;
        }
        link_last(i);
        return e.data.get();
    }

    /// Mirrors a swap of positions i and j in every cached row.
    void swap(Index i, Index j) {
        if (i == j) {
            return;
        }
        if (i > j) {
            std::swap(i, j);
        }
        Entry& a = entries_[static_cast<std::size_t>(i)];
        Entry& b = entries_[static_cast<std::size_t>(j)];
        if (a.len > 0) {
            unlink(i);
        }
        if (b.len > 0) {
            unlink(j);
        }
        std::swap(a.data, b.data);
        std::swap(a.len, b.len);
        if (a.len > 0) {
            link_last(i);
        }
        if (b.len > 0) {
            link_last(j);
        }
        for (int h = head().next; h != static_cast<int>(n_);) {
            Entry& e = entries_[static_cast<std::size_t>(h)];
            const int next = e.next;
            if (e.len > i) {
                if (e.len > j) {
                    std::swap(e.data[i], e.data[j]);
                } else {
                    drop(h);
                }
            }
            h = next;
        }
    }

private:
    struct Free {
        void operator()(float* p) const noexcept { std::free(p); }
    };

    // A row's storage. It grows through realloc and is never zero-filled: the caller writes
    // every value it asks for, and filling rows that are about to be overwritten cost as much
    // as a sixth of the solver's instructions.
    struct Entry {
        std::unique_ptr<float[], Free> data;
        Index len = 0;

        void grow(Index n) {
            void* p = std::realloc(data.get(), static_cast<std::size_t>(n) * sizeof(float));
            if (p == nullptr) {
                PROGNOS_THROW(std::bad_alloc());
            }
            static_cast<void>(data.release());
            data.reset(static_cast<float*>(p));
        }

        int prev = -1;
        int next = -1;
    };

    Entry& head() noexcept { return entries_[static_cast<std::size_t>(n_)]; }

    void unlink(Index i) {
        Entry& e = entries_[static_cast<std::size_t>(i)];
        entries_[static_cast<std::size_t>(e.prev)].next = e.next;
        entries_[static_cast<std::size_t>(e.next)].prev = e.prev;
    }

    void link_last(Index i) {
        Entry& e = entries_[static_cast<std::size_t>(i)];
        e.next = static_cast<int>(n_);
        e.prev = head().prev;
        entries_[static_cast<std::size_t>(e.prev)].next = static_cast<int>(i);
        head().prev = static_cast<int>(i);
    }

    void drop(int h) {
        Entry& e = entries_[static_cast<std::size_t>(h)];
        unlink(h);
        used_ -= static_cast<double>(e.len);
        e.data.reset();
        e.len = 0;
    }

    Index n_;
    std::vector<Entry> entries_;
    double budget_ = 0.0;
    double used_ = 0.0;
};

} // namespace detail
} // namespace prognos
