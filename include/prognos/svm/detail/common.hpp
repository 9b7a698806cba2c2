// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Pieces the three SVMs share: parameter checks, the two-class training call on top of the
/// SMO solver, and the fitted support vectors with their batch and single-row evaluation.

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/parallel.hpp>
#include <prognos/core/types.hpp>
#include <prognos/svm/detail/smo.hpp>
#include <prognos/svm/kernel.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace prognos {

/// How an SVM fit ended. A fit that hits max_iter is not an error: the model is usable (the
/// solution is feasible) but not optimal, and converged says so.
struct SvmFitStatus {
    bool converged = true;  ///< every SMO run met the tolerance
    long long n_iter = 0;   ///< SMO iterations over every sub-problem
    double objective = 0.0; ///< dual objective, summed over sub-problems
};

namespace detail {

/// Rows of X kept as support vectors, row-major so one vector's values are adjacent for the
/// single-row path, with their squared norms for the block RBF.
struct SupportSet {
    using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    RowMatrix sv;
    Vector sq;
    KernelSpec kernel;

    Index size() const noexcept { return sv.rows(); }

    Index n_features() const noexcept { return sv.cols(); }

    void set(const Matrix& vectors, const KernelSpec& spec) {
        sv = vectors;
        sq = sv.rowwise().squaredNorm();
        kernel = spec;
    }

    /**
     * out = K(X, sv) · coef - offsets for every row of X (coef: n_sv × n_out). Rows are taken in
     * blocks so the kernel block stays in cache-sized memory whatever the size of X.
     */
    Matrix decisions(const Matrix& X, const Matrix& coef, const Vector& offsets) const {
        Matrix out(X.rows(), coef.cols());
        constexpr Index block = 256;
        Matrix K;
        for (Index start = 0; start < X.rows(); start += block) {
            const Index n = std::min(block, X.rows() - start);
            const auto Xb = X.middleRows(start, n);
            K.resize(n, sv.rows());
            Vector sq_x;
            if (kernel.type == Kernel::rbf) {
                sq_x = Xb.rowwise().squaredNorm();
            }
            kernel.block(Xb, sq_x, sv, sq, K);
            out.middleRows(start, n).noalias() = K * coef;
        }
        out.rowwise() -= offsets.transpose();
        return out;
    }

    /// K(x, sv_s) for one row.
    double k(const double* x, Index s) const noexcept {
        return kernel(x, sv.data() + s * sv.cols(), sv.cols());
    }
};

/// Common checks of C, tol, cache_size and max_iter.
inline void
check_solver_params(const std::string& who, double tol, double cache_size, long long max_iter) {
    if (!(tol > 0.0) || !std::isfinite(tol)) {
        PROGNOS_THROW(
            invalid_argument(who + ": tol must be > 0, got " + detail::describe_value(tol)));
    }
    if (!(cache_size > 0.0) || !std::isfinite(cache_size)) {
        PROGNOS_THROW(invalid_argument(who + ": cache_size must be > 0 (MB), got " +
                                       std::to_string(cache_size)));
    }
    if (max_iter < -1 || max_iter == 0) {
        PROGNOS_THROW(invalid_argument(who +
                                       ": max_iter must be >= 1 or -1 (automatic limit), got " +
                                       std::to_string(max_iter)));
    }
}

/// n_jobs resolved to a thread count (see core/parallel.hpp), with the estimator's name in the
/// message when it is invalid.
inline int solver_threads(const std::string& who, int n_jobs) {
    if (n_jobs < -1) {
        PROGNOS_THROW(invalid_argument(
            who + ": n_jobs must be positive, 0 or -1 (all cores), got " + std::to_string(n_jobs)));
    }
    return resolve_n_jobs(n_jobs);
}

inline void check_positive(const std::string& who, const char* name, double v) {
    if (!(v > 0.0) || !std::isfinite(v)) {
        PROGNOS_THROW(
            invalid_argument(who + ": " + name + " must be > 0, got " + detail::describe_value(v)));
    }
}

/**
 * Throws numerical_error naming `who` when a solution holds a non-finite value. Kernel rows
 * are checked as they are computed (see KernelRows), so this catches what is left: kernel
 * values (times C, in the classifiers and regressors) beyond the double range in the gradient,
 * objective or rho.
 */
inline void check_solution(const std::string& who, const SmoResult& r) {
    bool finite = std::isfinite(r.objective) && std::isfinite(r.rho);
    for (double a : r.alpha) {
        finite = finite && std::isfinite(a);
    }
    if (!finite) {
        PROGNOS_THROW(numerical_error(
            who + ": the solver met non-finite values (objective " +
            detail::describe_value(r.objective) + ", rho " + detail::describe_value(r.rho) +
            "): the kernel values (times C, where the model has one) overflow; scale the input "
            "(e.g. StandardScaler) or use a smaller gamma, degree or C"));
    }
}

/// A two-class problem solved: coefficient y_t a_t per row (0 for non-support rows).
struct BinarySolution {
    std::vector<double> coef;
    double rho = 0.0;
    SmoResult info;
};

/**
 * Trains C-SVC on the rows of X with signs y (+1/-1); rows with y = +1 get upper bound
 * c_pos, the others c_neg. `who` names the estimator in numerical errors.
 */
inline BinarySolution train_binary(const Matrix& X,
                                   const std::vector<std::int8_t>& y,
                                   double c_pos,
                                   double c_neg,
                                   const KernelSpec& spec,
                                   const SmoSettings& settings,
                                   double cache_bytes,
                                   const std::string& who) {
    const auto n = static_cast<std::size_t>(X.rows());
    std::vector<double> C(n);
    for (std::size_t t = 0; t < n; ++t) {
        C[t] = y[t] > 0 ? c_pos : c_neg;
    }
    SvcQ Q(X, spec, y, cache_bytes, settings.n_threads, who);
    SmoSolver solver;
    BinarySolution out;
    out.info =
        solver.solve(Q, std::vector<double>(n, -1.0), y, C, std::vector<double>(n, 0.0), settings);
    check_solution(who, out.info);
    out.rho = out.info.rho;
    out.coef.resize(n);
    for (std::size_t t = 0; t < n; ++t) {
        out.coef[t] = out.info.alpha[t] * y[t];
    }
    return out;
}

/// Rows `rows` of X as a new matrix.
inline Matrix take_rows(const Matrix& X, const std::vector<Index>& rows) {
    Matrix out(static_cast<Index>(rows.size()), X.cols());
    for (std::size_t r = 0; r < rows.size(); ++r) {
        out.row(static_cast<Index>(r)) = X.row(rows[r]);
    }
    return out;
}

/// Checks a fitted kernel read back from an artifact.
template <class Archive>
void serialize_kernel(Archive& ar, KernelSpec& k) {
    int type = static_cast<int>(k.type);
    ar("kernel_type", type);
    ar("kernel_gamma", k.gamma);
    ar("kernel_degree", k.degree);
    ar("kernel_coef0", k.coef0);
    if (Archive::loading) {
        ar.require(type >= 0 && type <= 3, "kernel_type must be 0..3 (linear, poly, rbf, sigmoid)");
        ar.require(std::isfinite(k.gamma) && k.gamma > 0.0, "kernel_gamma must be > 0");
        ar.require(k.degree >= 1, "kernel_degree must be >= 1");
        ar.require(std::isfinite(k.coef0), "kernel_coef0 must be finite");
        k.type = static_cast<Kernel>(type);
    }
}

/// Saves or loads a support set; loading checks that sizes agree.
template <class Archive>
void serialize_support(Archive& ar, SupportSet& s) {
    serialize_kernel(ar, s.kernel);
    Matrix sv = s.sv;
    ar("support_vectors", sv);
    if (Archive::loading) {
        ar.require(sv.allFinite(), "support_vectors must be finite");
        s.sv = sv;
        s.sq = s.sv.rowwise().squaredNorm();
        // A tampered degree or gamma (poly with degree 2^31-1 or gamma 1e300) passes the checks
        // above but makes K(sv, sv) overflow and every prediction NaN. Fit refuses kernel values
        // beyond the float cache, so a model it wrote never has them: O(n_sv · d).
        bool in_range = true;
        for (Index k = 0; k < s.size() && in_range; ++k) {
            const double v = s.k(s.sv.data() + k * s.sv.cols(), k);
            in_range = std::isfinite(v) && std::abs(v) <= 3.5e38;
        }
        ar.require(in_range,
                   "kernel_gamma and kernel_degree make the support vectors' kernel values "
                   "overflow (fit never writes such a model)");
    }
}

/// Requires that the decision value at the first support vector is finite: the whole chain
/// coefficients · kernel - rho that predict evaluates, checked once at load.
template <class Archive>
void require_finite_decision(Archive& ar, double value) {
    ar.require(std::isfinite(value),
               "the decision value at a support vector is not finite (kernel, dual_coef and "
               "rho do not fit together)");
}

/// Serializes the kernel choice of a Params struct (rule and value of gamma included).
template <class Archive, class P>
void serialize_kernel_params(Archive& ar, P& params) {
    int kernel = static_cast<int>(params.kernel);
    int rule = static_cast<int>(params.gamma.rule);
    ar("kernel", kernel);
    ar("gamma_rule", rule);
    ar("gamma", params.gamma.value);
    ar("degree", params.degree);
    ar("coef0", params.coef0);
    ar("tol", params.tol);
    ar("cache_size", params.cache_size);
    std::int64_t max_iter = params.max_iter;
    ar("max_iter", max_iter);
    ar("shrinking", params.shrinking);
    if (Archive::loading) {
        ar.require(kernel >= 0 && kernel <= 3, "kernel must be 0..3 (linear, poly, rbf, sigmoid)");
        ar.require(rule >= 0 && rule <= 2, "gamma_rule must be 0 (value), 1 (scale) or 2 (auto)");
        // The rules fit checks (check_solver_params, resolve_kernel), so a loaded model can be
        // refitted and its parameters mean what they say.
        ar.require(rule != 0 || (std::isfinite(params.gamma.value) && params.gamma.value > 0.0),
                   "gamma must be > 0 when gamma_rule is 0 (value)");
        ar.require(params.degree >= 1, "degree must be >= 1");
        ar.require(std::isfinite(params.coef0), "coef0 must be finite");
        ar.require(std::isfinite(params.tol) && params.tol > 0.0, "tol must be > 0");
        ar.require(std::isfinite(params.cache_size) && params.cache_size > 0.0,
                   "cache_size must be > 0");
        ar.require(max_iter >= 1 || max_iter == -1, "max_iter must be >= 1 or -1");
        params.kernel = static_cast<Kernel>(kernel);
        params.gamma.rule = static_cast<Gamma::Rule>(rule);
        params.max_iter = static_cast<long long>(max_iter);
    }
}

} // namespace detail
} // namespace prognos
