// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// OneClassSVM: Schölkopf's ν one-class SVM for anomaly detection (scikit-learn's OneClassSVM).
///
/// It learns a boundary around the training rows in kernel space; ν is an upper bound on the
/// fraction of training rows left outside and a lower bound on the fraction of support
/// vectors.
///
/// "Outside" means a decision value at or below -tol, not below 0. The solver stops once the
/// KKT conditions hold within tol, and then every row whose dual variable is below its bound
/// (at most ⌈ν l⌉ rows are at it) has a decision above -tol; a row within tol of the boundary
/// is on it as far as the solution can tell. Counting those rows as inliers is what keeps the
/// ν bound true on degenerate data: with identical rows every decision is 0, with ν l far
/// below tol (ν = 1e-9) every decision is about -ν, and with a few points repeated many times
/// decisions are ±3e-4. scikit-learn (decision > 0) flags 100%, 100% and 67% of the training
/// rows there; prognos flags none. On ordinary data only rows within tol of the boundary
/// differ. It needs no labels, which suits maintenance data where failures are rare or
/// absent: train on normal operation and flag what falls outside.

#include <prognos/core/check.hpp>
#include <prognos/core/error.hpp>
#include <prognos/core/types.hpp>
#include <prognos/svm/detail/common.hpp>
#include <prognos/svm/detail/smo.hpp>
#include <prognos/svm/kernel.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace prognos {

/**
 * ν one-class SVM. predict gives +1 for inliers and -1 for outliers (scikit-learn's
 * convention); decision_function is positive inside the boundary, and rows within tol of it
 * (decision > -tol) count as inside.
 */
class OneClassSVM {
public:
    /// Hyper-parameters, with scikit-learn's names and defaults.
    struct Params {
        /// Upper bound on the training fraction outside the boundary, in (0, 1].
        double nu = 0.5;
        /// Kernel function.
        Kernel kernel = Kernel::rbf;
        /// Kernel coefficient for rbf, poly and sigmoid.
        Gamma gamma = Gamma::scale();
        /// Degree of the poly kernel.
        int degree = 3;
        /// Constant term of the poly and sigmoid kernels.
        double coef0 = 0.0;
        /// Use the shrinking heuristic.
        bool shrinking = true;
        /// Stopping tolerance of SMO.
        double tol = 1e-3;
        /// Kernel-row cache size in MB.
        double cache_size = 200.0;
        /// Threads computing kernel rows: a positive count, or -1 / 0 for every core (the
        /// forests' default). The fitted model is the same for every value: each kernel value is
        /// computed by the same instructions whichever thread computes it.
        int n_jobs = -1;
        /// SMO iteration limit; -1 (the default) for an automatic limit of
        /// max(10 000 000, 100 · n) iterations for n dual variables (rows), libsvm's cap.
        /// Hitting it is not an error: status().converged turns false.
        long long max_iter = -1;
    };

    OneClassSVM() = default;

    /// A one-class SVM with the given hyper-parameters (checked at fit).
    explicit OneClassSVM(Params params)
        : params_(std::move(params)) {}

    /// The name artifacts store this type under (see core/archive.hpp).
    static const char* type_name() noexcept { return "OneClassSVM"; }

    /// The hyper-parameters; changes take effect at the next fit.
    Params& params() noexcept { return params_; }

    /// The hyper-parameters.
    const Params& params() const noexcept { return params_; }

    /**
     * Fits the boundary around the rows of X.
     * @throws invalid_argument for bad parameters or shapes, bad_value for NaN/inf in X.
     */
    OneClassSVM& fit(const Matrix& X) {
        const std::string who = "OneClassSVM::fit";
        check_training_shape(X, X.rows(), who);
        if (!(params_.nu > 0.0 && params_.nu <= 1.0)) {
            PROGNOS_THROW(invalid_argument(who + ": nu must be in (0, 1], got " +
                                           detail::describe_value(params_.nu)));
        }
        detail::check_solver_params(who, params_.tol, params_.cache_size, params_.max_iter);
        check_finite(X, who);
        const KernelSpec spec = detail::resolve_kernel(
            params_.kernel, params_.gamma, params_.degree, params_.coef0, X, who);

        // Feasible start with Σ a = ν l and 0 <= a <= 1: the first ⌊ν l⌋ rows at 1 and the
        // remainder on the next row.
        const Index l = X.rows();
        const auto n = static_cast<std::size_t>(l);
        const double total = params_.nu * static_cast<double>(l);
        const auto full = static_cast<std::size_t>(total);
        std::vector<double> alpha(n, 0.0);
        for (std::size_t i = 0; i < full && i < n; ++i) {
            alpha[i] = 1.0;
        }
        if (full < n) {
            alpha[full] = total - static_cast<double>(full);
        }
        const int threads = detail::solver_threads(who, params_.n_jobs);
        detail::SvcQ Q(
            X, spec, std::vector<std::int8_t>(n, 1), params_.cache_size * 1048576.0, threads, who);
        detail::SmoSolver solver;
        const detail::SmoResult r =
            solver.solve(Q,
                         std::vector<double>(n, 0.0),
                         std::vector<std::int8_t>(n, 1),
                         std::vector<double>(n, 1.0),
                         std::move(alpha),
                         {params_.tol, params_.max_iter, params_.shrinking, threads});
        detail::check_solution(who, r);
        std::vector<Index> support;
        std::vector<double> coef;
        for (Index i = 0; i < l; ++i) {
            if (r.alpha[static_cast<std::size_t>(i)] > 0.0) {
                support.push_back(i);
                coef.push_back(r.alpha[static_cast<std::size_t>(i)]);
            }
        }
        support_set_.set(detail::take_rows(X, support), spec);
        coef_ = Eigen::Map<const Vector>(coef.data(), static_cast<Index>(coef.size()));
        support_.resize(static_cast<Index>(support.size()));
        for (std::size_t s = 0; s < support.size(); ++s) {
            support_[static_cast<Index>(s)] = static_cast<int>(support[s]);
        }
        rho_ = r.rho;
        n_features_ = X.cols();
        status_ = {r.converged, r.n_iter, r.objective};
        return *this;
    }

    /// Fits on X; y is ignored. Lets a one-class SVM end a pipeline that is fitted with
    /// a target column.
    template <class Target>
    OneClassSVM& fit(const Matrix& X, const Target& /*y*/) {
        return fit(X);
    }

    /// Signed distance to the boundary (in kernel units): positive inside, negative outside.
    Vector decision_function(const Matrix& X) const {
        check_input(X, "OneClassSVM::decision_function");
        return support_set_.decisions(X, coef_, Vector::Constant(1, rho_)).col(0);
    }

    /// decision_function + offset: the unshifted score (higher is more normal).
    Vector score_samples(const Matrix& X) const { return decision_function(X).array() + rho_; }

    /// +1 for inliers (decision_function > -tol, see the file comment), -1 for outliers.
    IntVector predict(const Matrix& X) const {
        const Vector d = decision_function(X);
        return (d.array() > -params_.tol)
            .select(IntVector::Ones(d.size()), -IntVector::Ones(d.size()));
    }

    /// +1 or -1 for one row of n_features() values, as predict; allocates nothing.
    int predict_row(const double* x) const { return decision_row(x) > -params_.tol ? 1 : -1; }

    /// decision_function for one row; allocates nothing.
    double decision_row(const double* x) const {
        const char* who = "OneClassSVM::decision_row";
        if (!is_fitted()) {
            check_fitted(false, who);
        }
        check_finite_row(x, n_features_, who);
        double s = -rho_;
        for (Index k = 0; k < support_set_.size(); ++k) {
            s += coef_[k] * support_set_.k(x, k);
        }
        return s;
    }

    /// Number of features seen at fit.
    Index n_features() const noexcept { return n_features_; }

    /// Whether fit() (or loading) has happened.
    bool is_fitted() const noexcept { return n_features_ > 0; }

    /// Training-row indices of the support vectors, ascending.
    const IntVector& support() const noexcept { return support_; }

    /// The dual coefficients a of the support vectors.
    const Vector& dual_coef() const noexcept { return coef_; }

    /// rho, scikit-learn's offset_: decision_function = score_samples - offset.
    double offset() const noexcept { return rho_; }

    /// The kernel with gamma resolved.
    const KernelSpec& kernel() const noexcept { return support_set_.kernel; }

    /// How the last fit ended.
    const SvmFitStatus& status() const noexcept { return status_; }

    /// Saves or loads parameters and the fitted boundary, checking sizes on load.
    template <class Archive>
    void serialize(Archive& ar) {
        ar("nu", params_.nu);
        detail::serialize_kernel_params(ar, params_);
        std::int64_t n_features = n_features_;
        ar("n_features", n_features);
        std::vector<int> support(support_.data(), support_.data() + support_.size());
        ar("support", support);
        detail::serialize_support(ar, support_set_);
        ar("dual_coef", coef_);
        ar("rho", rho_);
        ar("converged", status_.converged);
        std::int64_t n_iter = status_.n_iter;
        ar("n_iter", n_iter);
        ar("objective", status_.objective);
        if (Archive::loading) {
            ar.require(n_features >= 1, "n_features must be >= 1");
            ar.require(support_set_.sv.cols() == n_features || support_set_.size() == 0,
                       "support_vectors must have n_features columns");
            ar.require(coef_.size() == support_set_.size() &&
                           static_cast<Index>(support.size()) == support_set_.size(),
                       "dual_coef and support need one entry per support vector");
            ar.require(coef_.allFinite() && std::isfinite(rho_),
                       "dual_coef and rho must be finite");
            ar.require(params_.nu > 0.0 && params_.nu <= 1.0, "nu must be in (0, 1]");
            support_ =
                Eigen::Map<const IntVector>(support.data(), static_cast<Index>(support.size()));
            n_features_ = static_cast<Index>(n_features);
            status_.n_iter = static_cast<long long>(n_iter);
            if (support_set_.size() > 0) {
                double s = -rho_;
                for (Index k = 0; k < support_set_.size(); ++k) {
                    s += coef_[k] * support_set_.k(support_set_.sv.data(), k);
                }
                detail::require_finite_decision(ar, s);
            }
        }
    }

private:
    void check_input(const Matrix& X, const char* who) const {
        check_fitted(is_fitted(), who);
        check_n_features(n_features_, X.cols(), who);
        check_finite(X, who);
    }

    Params params_;
    detail::SupportSet support_set_;
    Vector coef_;
    IntVector support_;
    double rho_ = 0.0;
    Index n_features_ = 0;
    SvmFitStatus status_;
};

} // namespace prognos
