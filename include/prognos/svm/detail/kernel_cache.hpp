// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Kernel rows for the SMO solver: computed in blocks with Eigen and kept in a bounded
/// least-recently-used cache of float rows.
///
/// Why float: a cached row only steers the solver (gradient updates and working-set choice),
/// and float halves the memory per row, so the same budget holds twice the rows and the
/// solver recomputes far fewer of them; exp in float is also vectorised twice as wide. The
/// distances inside the RBF are formed in double before the exp, so close rows do not lose
/// their difference to rounding.
///
/// Rows are stored as prefixes: row i holds Q(i, 0..len) for the first len positions of the
/// solver's current order. When shrinking swaps two positions, every cached row swaps the two
/// entries too, and a row that holds one of them but not the other is dropped.

#include <prognos/core/types.hpp>
#include <prognos/svm/kernel.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace prognos {
namespace detail {

/// Computes kernel values between rows of one data matrix, in the order the solver keeps them.
class KernelRows {
public:
    KernelRows(Matrix X, const KernelSpec& spec)
        : X_(std::move(X))
        , spec_(spec)
        , sq_(X_.rowwise().squaredNorm())
        , xi_(X_.cols())
        , dots_(X_.rows()) {}

    Index size() const noexcept { return X_.rows(); }

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
        xi_ = X_.row(i).transpose();
        auto dots = dots_.head(n);
        dots.noalias() = X_.middleRows(start, n) * xi_;
        Eigen::Map<Eigen::VectorXf> o(out, n);
        switch (spec_.type) {
        case Kernel::rbf:
            dots = ((sq_.segment(start, n).array() + sq_[i]) - 2.0 * dots.array()).max(0.0) *
                   -spec_.gamma;
            o = dots.cast<float>().array().exp().matrix();
            return;
        case Kernel::linear:
            o = dots.cast<float>();
            return;
        case Kernel::sigmoid:
            o = (dots.array() * spec_.gamma + spec_.coef0).tanh().cast<float>().matrix();
            return;
        case Kernel::poly:
            for (Index k = 0; k < n; ++k) {
                out[k] = static_cast<float>(
                    KernelSpec::power(spec_.gamma * dots[k] + spec_.coef0, spec_.degree));
            }
            return;
        }
    }

    /// Exchanges rows i and j of the data (the solver's shrinking reorders variables).
    void swap(Index i, Index j) {
        X_.row(i).swap(X_.row(j));
        std::swap(sq_[i], sq_[j]);
    }

private:
    Matrix X_;
    KernelSpec spec_;
    Vector sq_;
    Vector xi_;
    Vector dots_;
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
            e.data.resize(static_cast<std::size_t>(len));
            used_ += more;
            e.len = len;
        }
        link_last(i);
        return e.data.data();
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
                    std::swap(e.data[static_cast<std::size_t>(i)],
                              e.data[static_cast<std::size_t>(j)]);
                } else {
                    drop(h);
                }
            }
            h = next;
        }
    }

private:
    struct Entry {
        std::vector<float> data;
        Index len = 0;
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
        std::vector<float>().swap(e.data);
        e.len = 0;
    }

    Index n_;
    std::vector<Entry> entries_;
    double budget_ = 0.0;
    double used_ = 0.0;
};

} // namespace detail
} // namespace prognos
