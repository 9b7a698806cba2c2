// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// The SMO decomposition solver shared by SVC, SVR and OneClassSVM.
///
/// It solves the dual problem every libsvm-type SVM reduces to,
///
///     min_a  ½ aᵀQa + pᵀa   subject to  yᵀa = Δ,  0 <= a_t <= C_t,
///
/// two variables at a time, choosing the pair by the second-order rule of Fan, Chen and Lin,
/// "Working set selection using second order information for training SVM", JMLR 6 (2005):
/// i is the maximal violator, j the partner that promises the largest decrease of the
/// objective. The stopping rule is theirs too (the maximal violation m(a) - M(a) below `tol`).
///
/// Shrinking (Joachims 1998, in the form of the paper above) moves variables that sit at a bound
/// and are unlikely to move to the back of the order and leaves them out of the selection and
/// the gradient update; before the solver stops, the full gradient is rebuilt and the
/// stopping rule checked again on every variable, so shrinking changes the speed, never the
/// answer. Q rows come from a QMatrix, which caches them in float.
///
/// Reaching the iteration limit is not an error: the solver stops, reports converged = false,
/// and the caller keeps the current, feasible but not optimal, solution. A gradient that
/// overflows is: the solver stops at once with a NaN objective, which the estimators turn
/// into numerical_error (see detail::check_solution).

#include <prognos/core/types.hpp>
#include <prognos/svm/detail/kernel_cache.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace prognos {
namespace detail {

/// The matrix Q of the dual, row by row, in the solver's current variable order.
class QMatrix {
public:
    virtual ~QMatrix() = default;
    /// Q(i, 0..len) as floats; valid until the next call.
    virtual const float* row(Index i, Index len) = 0;
    /// Q(i, i) for every variable, in the current order.
    virtual std::vector<double>& diagonal() = 0;
    /// Exchanges variables i and j.
    virtual void swap(Index i, Index j) = 0;
};

/// Q(i, j) = y_i y_j K(x_i, x_j) over the rows of X: C-SVC and (with y = +1) one-class.
class SvcQ final : public QMatrix {
public:
    SvcQ(Matrix X,
         const KernelSpec& spec,
         std::vector<std::int8_t> y,
         double cache_bytes,
         int n_threads = 1,
         std::string who = "SVM")
        : rows_(std::move(X), spec, n_threads, std::move(who))
        , cache_(rows_.size(), cache_bytes)
        , y_(static_cast<std::size_t>(rows_.size()))
        , diag_(static_cast<std::size_t>(rows_.size())) {
        for (Index i = 0; i < rows_.size(); ++i) {
            y_[static_cast<std::size_t>(i)] = y[static_cast<std::size_t>(i)];
            diag_[static_cast<std::size_t>(i)] = rows_.diagonal(i);
        }
    }

    const float* row(Index i, Index len) override {
        Index valid = 0;
        float* data = cache_.get(i, len, valid);
        if (valid < len) {
            rows_.row(i, valid, len, data + valid);
            Eigen::Map<Eigen::VectorXf> seg(data + valid, len - valid);
            const Eigen::Map<const Eigen::VectorXf> ys(y_.data() + valid, len - valid);
            seg = seg.cwiseProduct(ys * y_[static_cast<std::size_t>(i)]);
        }
        return data;
    }

    std::vector<double>& diagonal() override { return diag_; }

    void swap(Index i, Index j) override {
        cache_.swap(i, j);
        rows_.swap(i, j);
        std::swap(y_[static_cast<std::size_t>(i)], y_[static_cast<std::size_t>(j)]);
        std::swap(diag_[static_cast<std::size_t>(i)], diag_[static_cast<std::size_t>(j)]);
    }

private:
    KernelRows rows_;
    RowCache cache_;
    std::vector<float> y_;
    std::vector<double> diag_;
};

/// Q for ε-SVR: 2l variables (a and a*) over l rows, Q(s, t) = sign_s sign_t K(x_s, x_t).
/// The data never moves; kernel rows are cached by data row, full length, and each request
/// assembles the signed row in the current order into one of two buffers (the solver holds
/// two rows at once).
class SvrQ final : public QMatrix {
public:
    SvrQ(Matrix X,
         const KernelSpec& spec,
         double cache_bytes,
         int n_threads = 1,
         std::string who = "SVM")
        : rows_(std::move(X), spec, n_threads, std::move(who))
        , cache_(rows_.size(), cache_bytes)
        , l_(rows_.size()) {
        const auto two_l = static_cast<std::size_t>(2 * l_);
        sign_.resize(two_l);
        index_.resize(two_l);
        diag_.resize(two_l);
        for (Index k = 0; k < l_; ++k) {
            const auto a = static_cast<std::size_t>(k);
            const auto b = static_cast<std::size_t>(k + l_);
            sign_[a] = 1.0F;
            sign_[b] = -1.0F;
            index_[a] = index_[b] = k;
            diag_[a] = diag_[b] = rows_.diagonal(k);
        }
        buffer_[0].resize(two_l);
        buffer_[1].resize(two_l);
    }

    const float* row(Index i, Index len) override {
        const Index real = index_[static_cast<std::size_t>(i)];
        Index valid = 0;
        float* k = cache_.get(real, l_, valid);
        if (valid < l_) {
            rows_.row(real, valid, l_, k + valid);
        }
        std::vector<float>& out = buffer_[next_];
        next_ = 1 - next_;
        const float si = sign_[static_cast<std::size_t>(i)];
        for (Index t = 0; t < len; ++t) {
            const auto u = static_cast<std::size_t>(t);
            out[u] = si * sign_[u] * k[index_[u]];
        }
        return out.data();
    }

    std::vector<double>& diagonal() override { return diag_; }

    void swap(Index i, Index j) override {
        std::swap(sign_[static_cast<std::size_t>(i)], sign_[static_cast<std::size_t>(j)]);
        std::swap(index_[static_cast<std::size_t>(i)], index_[static_cast<std::size_t>(j)]);
        std::swap(diag_[static_cast<std::size_t>(i)], diag_[static_cast<std::size_t>(j)]);
    }

private:
    KernelRows rows_;
    RowCache cache_;
    Index l_;
    std::vector<float> sign_;
    std::vector<Index> index_;
    std::vector<double> diag_;
    std::vector<float> buffer_[2];
    int next_ = 0;
};

/// What the solver found.
struct SmoResult {
    std::vector<double> alpha; ///< the dual variables, in the caller's order
    double rho = 0.0;          ///< the offset: decision = Σ y_t a_t K(x_t, x) - rho
    double objective = 0.0;    ///< value of the dual objective ½ aᵀQa + pᵀa
    long long n_iter = 0;      ///< SMO iterations (pairs updated)
    bool converged = true;     ///< false when the iteration limit stopped the solver
};

/**
 * The iteration limit max_iter = -1 stands for: max(10 000 000, 100 · n) for n dual variables
 * (libsvm's cap). Without one, a very large C (1e10 on 200 rows) ran for 1.1e9 iterations and
 * minutes; at the cap the fit ends like any max_iter fit, with converged = false.
 */
inline long long default_max_iter(Index n_variables) noexcept {
    return std::max<long long>(10'000'000LL, 100LL * static_cast<long long>(n_variables));
}

/// Solver settings.
struct SmoSettings {
    double tol = 1e-3;       ///< stop when the maximal violation is below this
    long long max_iter = -1; ///< iteration limit; -1 for default_max_iter(n)
    bool shrinking = true;   ///< use the shrinking heuristic
    int n_threads = 1;       ///< threads computing kernel rows (resolved n_jobs, >= 1)
};

/**
 * Runs SMO on the problem given by Q, the linear term p, signs y (+1/-1), per-variable upper
 * bounds C and a feasible starting point alpha (0 <= a_t <= C_t).
 */
class SmoSolver {
public:
    SmoResult solve(QMatrix& Q,
                    std::vector<double> p,
                    std::vector<std::int8_t> y,
                    std::vector<double> C,
                    std::vector<double> alpha,
                    const SmoSettings& settings) {
        Q_ = &Q;
        QD_ = &Q.diagonal();
        l_ = static_cast<Index>(p.size());
        p_ = std::move(p);
        y_ = std::move(y);
        C_ = std::move(C);
        alpha_ = std::move(alpha);
        eps_ = settings.tol;
        unshrink_ = false;
        non_finite_ = false;
        const auto n = static_cast<std::size_t>(l_);
        status_.resize(n);
        active_set_.resize(n);
        ys_.resize(n);
        pen_up_.resize(n);
        pen_low_.resize(n);
        scratch_.resize(n);
        scratch2_.resize(n);
        for (std::size_t t = 0; t < n; ++t) {
            ys_[t] = y_[t] == 1 ? 1.0 : -1.0;
        }
        for (std::size_t t = 0; t < n; ++t) {
            update_status(static_cast<Index>(t));
            active_set_[t] = static_cast<Index>(t);
        }
        active_size_ = l_;
        init_gradient();

        SmoResult result;
        long long iter = 0;
        Index counter = std::min<Index>(l_, 1000) + 1;
        const long long max_iter = settings.max_iter > 0 ? settings.max_iter : default_max_iter(l_);
        while (iter < max_iter) {
            if (--counter == 0) {
                counter = std::min<Index>(l_, 1000);
                if (settings.shrinking) {
                    shrink();
                }
            }
            Index i = -1;
            Index j = -1;
            if (!select_working_set(i, j)) {
                if (non_finite_) {
                    break;
                }
                // Optimal on the active set: rebuild the whole gradient and check all.
                reconstruct_gradient();
                active_size_ = l_;
                if (!select_working_set(i, j)) {
                    break;
                }
                counter = 1; // shrink again at the next iteration
            }
            ++iter;
            update_pair(i, j);
        }
        if (iter >= max_iter) {
            result.converged = false;
            if (active_size_ < l_) {
                reconstruct_gradient();
                active_size_ = l_;
            }
        }

        result.rho = compute_rho();
        double obj = 0.0;
        for (std::size_t t = 0; t < n; ++t) {
            obj += alpha_[t] * (G_[t] + p_[t]);
        }
        result.objective = non_finite_ ? std::numeric_limits<double>::quiet_NaN() : obj / 2.0;
        result.n_iter = iter;
        result.alpha.assign(n, 0.0);
        for (std::size_t t = 0; t < n; ++t) {
            result.alpha[static_cast<std::size_t>(active_set_[t])] = alpha_[t];
        }
        return result;
    }

private:
    enum Status : std::uint8_t { lower = 0, upper = 1, free = 2 };

    void update_status(Index t) {
        const auto u = static_cast<std::size_t>(t);
        status_[u] = alpha_[u] >= C_[u] ? upper : alpha_[u] <= 0.0 ? lower : free;
        // I_up: y a can grow; I_low: y a can shrink.
        const bool in_up = y_[u] == 1 ? status_[u] != upper : status_[u] != lower;
        const bool in_low = y_[u] == 1 ? status_[u] != lower : status_[u] != upper;
        pen_up_[u] = in_up ? 0.0 : excluded;
        pen_low_[u] = in_low ? 0.0 : excluded;
    }

    bool is_upper(Index t) const { return status_[static_cast<std::size_t>(t)] == upper; }

    bool is_lower(Index t) const { return status_[static_cast<std::size_t>(t)] == lower; }

    bool is_free(Index t) const { return status_[static_cast<std::size_t>(t)] == free; }

    // G = Qa + p and G_bar = Σ_{a_t = C_t} C_t Q_t (the part of the gradient from variables
    // at the upper bound, which lets reconstruct_gradient skip them).
    void init_gradient() {
        const auto n = static_cast<std::size_t>(l_);
        G_.assign(p_.begin(), p_.end());
        G_bar_.assign(n, 0.0);
        for (Index i = 0; i < l_; ++i) {
            if (is_lower(i)) {
                continue;
            }
            const float* Qi = Q_->row(i, l_);
            const double a = alpha_[static_cast<std::size_t>(i)];
            for (std::size_t k = 0; k < n; ++k) {
                G_[k] += a * Qi[k];
            }
            if (is_upper(i)) {
                const double c = C_[static_cast<std::size_t>(i)];
                for (std::size_t k = 0; k < n; ++k) {
                    G_bar_[k] += c * Qi[k];
                }
            }
        }
    }

    // Second-order working-set selection (WSS 2 of Fan, Chen and Lin). Returns false when the
    // active set is optimal within eps.
    //
    // Written as branch-free passes over whole arrays (per-variable values into a scratch array,
    // then a vectorised max or min, then a backward scan for the last position holding it) rather
    // than one loop with a branch per variable: the choice is the same (ties go to the last
    // position, as in the loop form), and the passes run in SIMD registers. Membership of
    // I_up / I_low is kept as a penalty of 0 or -1e300 added to the candidate value.
    bool select_working_set(Index& out_i, Index& out_j) {
        const Index n = active_size_;
        if (n == 0) {
            return false;
        }
        const double* G = G_.data();
        const double* ys = ys_.data();
        double* v = scratch_.data();
        // i: the maximal violator, argmax over I_up of -y G.
        const double* pen_up = pen_up_.data();
        for (Index t = 0; t < n; ++t) {
            v[t] = -ys[t] * G[t] + pen_up[t];
        }
        const double gmax = Eigen::Map<const Eigen::ArrayXd>(v, n).maxCoeff();
        if (!std::isfinite(gmax)) {
            // A gradient overflowed (C times kernel values beyond double): the backward scan
            // below would never find a NaN. Stop; solve() reports a NaN objective.
            non_finite_ = true;
            return false;
        }
        if (gmax <= excluded / 2.0) {
            return false; // I_up is empty: nothing can move
        }
        Index i = n - 1;
        while (v[i] != gmax) {
            --i;
        }
        const float* Qi = Q_->row(i, n);
        const double qd_i = (*QD_)[static_cast<std::size_t>(i)];
        const double yi = ys[i];
        const double* QD = QD_->data();
        const double* pen_low = pen_low_.data();
        double* w = scratch2_.data();
        // j: over I_low with y G below the violator's, the largest second-order decrease.
        for (Index t = 0; t < n; ++t) {
            const double yg = ys[t] * G[t];
            const double grad_diff = gmax + yg;
            double quad = qd_i + QD[t] - 2.0 * yi * ys[t] * static_cast<double>(Qi[t]);
            quad = quad > 0.0 ? quad : tau;
            const double obj_diff = -(grad_diff * grad_diff) / quad;
            w[t] = yg + pen_low[t];
            v[t] = pen_low[t] == 0.0 && grad_diff > 0.0 ? obj_diff : inf();
        }
        const double gmax2 = Eigen::Map<const Eigen::ArrayXd>(w, n).maxCoeff();
        const double best = Eigen::Map<const Eigen::ArrayXd>(v, n).minCoeff();
        if (std::isnan(best) || std::isnan(gmax2)) {
            non_finite_ = true;
            return false;
        }
        if (gmax + gmax2 < eps_ || best == inf()) {
            return false;
        }
        Index j = n - 1;
        while (v[j] != best) {
            --j;
        }
        out_i = i;
        out_j = j;
        return true;
    }

    // The analytic two-variable step along y_i a_i + y_j a_j = const, clipped to the box.
    void update_pair(Index i, Index j) {
        const auto ui = static_cast<std::size_t>(i);
        const auto uj = static_cast<std::size_t>(j);
        const float* Qi = Q_->row(i, active_size_);
        const float* Qj = Q_->row(j, active_size_);
        const double Ci = C_[ui];
        const double Cj = C_[uj];
        const double old_ai = alpha_[ui];
        const double old_aj = alpha_[uj];
        double& ai = alpha_[ui];
        double& aj = alpha_[uj];
        const double qd = (*QD_)[ui] + (*QD_)[uj];
        if (y_[ui] != y_[uj]) {
            double quad = qd + 2.0 * Qi[uj];
            quad = quad > 0.0 ? quad : tau;
            const double delta = (-G_[ui] - G_[uj]) / quad;
            const double diff = ai - aj;
            ai += delta;
            aj += delta;
            if (diff > 0.0) {
                if (aj < 0.0) {
                    aj = 0.0;
                    ai = diff;
                }
            } else if (ai < 0.0) {
                ai = 0.0;
                aj = -diff;
            }
            if (diff > Ci - Cj) {
                if (ai > Ci) {
                    ai = Ci;
                    aj = Ci - diff;
                }
            } else if (aj > Cj) {
                aj = Cj;
                ai = Cj + diff;
            }
        } else {
            double quad = qd - 2.0 * Qi[uj];
            quad = quad > 0.0 ? quad : tau;
            const double delta = (G_[ui] - G_[uj]) / quad;
            const double sum = ai + aj;
            ai -= delta;
            aj += delta;
            if (sum > Ci) {
                if (ai > Ci) {
                    ai = Ci;
                    aj = sum - Ci;
                }
            } else if (aj < 0.0) {
                aj = 0.0;
                ai = sum;
            }
            if (sum > Cj) {
                if (aj > Cj) {
                    aj = Cj;
                    ai = sum - Cj;
                }
            } else if (ai < 0.0) {
                ai = 0.0;
                aj = sum;
            }
        }

        const double dai = ai - old_ai;
        const double daj = aj - old_aj;
        double* G = G_.data();
        for (Index k = 0; k < active_size_; ++k) {
            G[k] += Qi[k] * dai + Qj[k] * daj;
        }

        const bool ui_was_upper = is_upper(i);
        const bool uj_was_upper = is_upper(j);
        update_status(i);
        update_status(j);
        if (ui_was_upper != is_upper(i)) {
            update_bar(i, ui_was_upper ? -Ci : Ci);
        }
        if (uj_was_upper != is_upper(j)) {
            update_bar(j, uj_was_upper ? -Cj : Cj);
        }
    }

    void update_bar(Index i, double c) {
        const float* Qi = Q_->row(i, l_);
        for (Index k = 0; k < l_; ++k) {
            G_bar_[static_cast<std::size_t>(k)] += c * Qi[k];
        }
    }

    // G for the shrunk variables from G_bar and the free variables' contributions, taking the
    // cheaper of two loop orders (by rows of the shrunk or of the free variables).
    void reconstruct_gradient() {
        if (active_size_ == l_) {
            return;
        }
        for (Index j = active_size_; j < l_; ++j) {
            const auto u = static_cast<std::size_t>(j);
            G_[u] = G_bar_[u] + p_[u];
        }
        Index n_free = 0;
        for (Index j = 0; j < active_size_; ++j) {
            n_free += is_free(j) ? 1 : 0;
        }
        if (static_cast<double>(n_free) * static_cast<double>(l_) >
            2.0 * static_cast<double>(active_size_) * static_cast<double>(l_ - active_size_)) {
            for (Index i = active_size_; i < l_; ++i) {
                const float* Qi = Q_->row(i, active_size_);
                double g = 0.0;
                for (Index j = 0; j < active_size_; ++j) {
                    if (is_free(j)) {
                        g += alpha_[static_cast<std::size_t>(j)] * Qi[j];
                    }
                }
                G_[static_cast<std::size_t>(i)] += g;
            }
        } else {
            for (Index i = 0; i < active_size_; ++i) {
                if (!is_free(i)) {
                    continue;
                }
                const float* Qi = Q_->row(i, l_);
                const double a = alpha_[static_cast<std::size_t>(i)];
                for (Index j = active_size_; j < l_; ++j) {
                    G_[static_cast<std::size_t>(j)] += a * Qi[j];
                }
            }
        }
    }

    bool be_shrunk(Index t, double gmax1, double gmax2) const {
        const auto u = static_cast<std::size_t>(t);
        if (is_upper(t)) {
            return y_[u] == 1 ? -G_[u] > gmax1 : -G_[u] > gmax2;
        }
        if (is_lower(t)) {
            return y_[u] == 1 ? G_[u] > gmax2 : G_[u] > gmax1;
        }
        return false;
    }

    void shrink() {
        double gmax1 = -inf(); // max over I_up of -y G
        double gmax2 = -inf(); // max over I_low of y G
        for (Index t = 0; t < active_size_; ++t) {
            const auto u = static_cast<std::size_t>(t);
            if (y_[u] == 1) {
                if (!is_upper(t)) {
                    gmax1 = std::max(gmax1, -G_[u]);
                }
                if (!is_lower(t)) {
                    gmax2 = std::max(gmax2, G_[u]);
                }
            } else {
                if (!is_upper(t)) {
                    gmax2 = std::max(gmax2, -G_[u]);
                }
                if (!is_lower(t)) {
                    gmax1 = std::max(gmax1, G_[u]);
                }
            }
        }
        // Close to the optimum: bring every variable back once, so that variables shrunk
        // early on the strength of a rough gradient get a second look.
        if (!unshrink_ && gmax1 + gmax2 <= eps_ * 10.0) {
            unshrink_ = true;
            reconstruct_gradient();
            active_size_ = l_;
        }
        for (Index t = 0; t < active_size_; ++t) {
            if (!be_shrunk(t, gmax1, gmax2)) {
                continue;
            }
            --active_size_;
            while (active_size_ > t) {
                if (!be_shrunk(active_size_, gmax1, gmax2)) {
                    swap(t, active_size_);
                    break;
                }
                --active_size_;
            }
        }
    }

    void swap(Index i, Index j) {
        const auto a = static_cast<std::size_t>(i);
        const auto b = static_cast<std::size_t>(j);
        Q_->swap(i, j);
        std::swap(y_[a], y_[b]);
        std::swap(G_[a], G_[b]);
        std::swap(status_[a], status_[b]);
        std::swap(ys_[a], ys_[b]);
        std::swap(pen_up_[a], pen_up_[b]);
        std::swap(pen_low_[a], pen_low_[b]);
        std::swap(alpha_[a], alpha_[b]);
        std::swap(p_[a], p_[b]);
        std::swap(active_set_[a], active_set_[b]);
        std::swap(G_bar_[a], G_bar_[b]);
        std::swap(C_[a], C_[b]);
    }

    // rho: the average of y G over free variables, which all satisfy the KKT equality; with
    // none free, the middle of the interval the bounded variables allow.
    double compute_rho() const {
        double ub = inf();
        double lb = -inf();
        double sum_free = 0.0;
        Index n_free = 0;
        for (Index t = 0; t < active_size_; ++t) {
            const auto u = static_cast<std::size_t>(t);
            const double yG = y_[u] * G_[u];
            if (is_upper(t)) {
                if (y_[u] == -1) {
                    ub = std::min(ub, yG);
                } else {
                    lb = std::max(lb, yG);
                }
            } else if (is_lower(t)) {
                if (y_[u] == 1) {
                    ub = std::min(ub, yG);
                } else {
                    lb = std::max(lb, yG);
                }
            } else {
                ++n_free;
                sum_free += yG;
            }
        }
        if (n_free > 0) {
            return sum_free / static_cast<double>(n_free);
        }
        if (!std::isfinite(ub) || !std::isfinite(lb)) {
            return std::isfinite(ub) ? ub : std::isfinite(lb) ? lb : 0.0;
        }
        return (ub + lb) / 2.0;
    }

    static double inf() { return std::numeric_limits<double>::infinity(); }

    // Curvature used when the pair's curvature is not positive (identical rows, or a kernel
    // that is not positive definite): a step that large is then clipped by the box.
    static constexpr double tau = 1e-12;

    // Added to the value of a variable outside I_up or I_low: no gradient comes near it, so the
    // variable never wins a max, and the sum stays finite (an infinity would turn 0 · inf into
    // NaN in the branch-free passes).
    static constexpr double excluded = -1e300;

    QMatrix* Q_ = nullptr;
    std::vector<double>* QD_ = nullptr;
    Index l_ = 0;
    Index active_size_ = 0;
    double eps_ = 1e-3;
    bool unshrink_ = false;
    bool non_finite_ = false; // a gradient turned inf or NaN; the result is not usable
    std::vector<double> p_;
    std::vector<std::int8_t> y_;
    std::vector<double> C_;
    std::vector<double> alpha_;
    std::vector<double> G_;
    std::vector<double> G_bar_;
    std::vector<std::uint8_t> status_;
    std::vector<Index> active_set_;
    std::vector<double> ys_;      // y as ±1.0
    std::vector<double> pen_up_;  // 0 in I_up, `excluded` outside
    std::vector<double> pen_low_; // 0 in I_low, `excluded` outside
    std::vector<double> scratch_; // per-variable values of the selection passes
    std::vector<double> scratch2_;
};

} // namespace detail
} // namespace prognos
